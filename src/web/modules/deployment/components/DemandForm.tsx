/**
 * Raise a demand for support: type, level, title, location (click on the map or a standard address through the
 * geocoder), meeting point, head-count, skills and equipment with counts, deadline and expected duration. One
 * Idempotency-Key per submitted demand, reused when the same demand is retried.
 */
import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { newIdempotencyKey } from '../../board/api/board.api.ts';
import { ActionKeys } from '../../board/utils/idempotency.ts';
import { createDemand, geocode, type Demand, type DemandBody } from '../api/deployment.api.ts';
import { DEMAND_TYPES, EQUIPMENT_KINDS, SKILLS } from '../utils/deployment.utils.ts';
import { deploymentError } from '../utils/errors.ts';

export interface DemandFormProps {
  regions: { id: string; label: string }[];
  picked: [number, number] | null;
  picking: boolean;
  onPickStart(): void;
  onPicked(lonLat: [number, number]): void;
  onCreated(d: Demand): void;
  onClose(): void;
}

interface Row {
  code: string;
  count: number;
}

export function DemandForm({ regions, picked, picking, onPickStart, onPicked, onCreated, onClose }: DemandFormProps) {
  const { t, i18n } = useTranslation();
  const [region, setRegion] = useState(regions[0]?.id ?? '');
  const [type, setType] = useState('public_order');
  const [level, setLevel] = useState(3);
  const [title, setTitle] = useState('');
  const [address, setAddress] = useState('');
  const [meetingPoint, setMeetingPoint] = useState('');
  const [headcount, setHeadcount] = useState(6);
  const [skills, setSkills] = useState<Row[]>([{ code: 'riot_control', count: 2 }]);
  const [equipment, setEquipment] = useState<Row[]>([]);
  const [deadlineMin, setDeadlineMin] = useState(60);
  const [durationMin, setDurationMin] = useState(240);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const keys = useRef(new ActionKeys(newIdempotencyKey));
  const skillName = (c: string) => t(`deployment.skill.${c}` as 'deployment.title', { defaultValue: c });

  const find = async () => {
    if (!address.trim()) return;
    try {
      const r = await geocode(address.trim());
      onPicked(r.location);
      if (!meetingPoint) setMeetingPoint(address.trim());
      setFailure(null);
    } catch {
      setFailure(t('deployment.form.searchFailed'));
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!picked) {
      setFailure(t('deployment.form.needLocation'));
      return;
    }
    const body: DemandBody = {
      jurisdictionId: region,
      type,
      level,
      title: title.trim(),
      lon: picked[0],
      lat: picked[1],
      headcount,
      requiredSkills: skills.filter((s) => s.count > 0).map((s) => ({ skill: s.code, count: s.count })),
      requiredEquipment: equipment.filter((s) => s.count > 0).map((s) => ({ kind: s.code, count: s.count })),
      // Rounded to the minute so a retry of the same demand sends the same body (and the same key).
      deadlineAt: new Date(Math.ceil(Date.now() / 60_000) * 60_000 + deadlineMin * 60_000).toISOString(),
      expectedDurationMin: durationMin,
    };
    if (meetingPoint.trim()) body.meetingPoint = meetingPoint.trim();
    setBusy(true);
    setFailure(null);
    try {
      const d = await createDemand(body, keys.current.keyFor(body));
      keys.current.settle();
      onCreated(d);
    } catch (err) {
      setFailure(deploymentError(t, err, i18n.language));
    } finally {
      setBusy(false);
    }
  };

  const rows = (list: Row[], set: (r: Row[]) => void, options: readonly string[], name: (c: string) => string) => (
    <div className="dep-rows">
      {list.map((r, i) => (
        <div key={i} className="dep-row">
          <select
            value={r.code}
            onChange={(e) => set(list.map((x, j) => (j === i ? { ...x, code: e.target.value } : x)))}
          >
            {options.map((o) => (
              <option key={o} value={o}>
                {name(o)}
              </option>
            ))}
          </select>
          <input
            type="number"
            min={1}
            max={500}
            value={r.count}
            onChange={(e) => set(list.map((x, j) => (j === i ? { ...x, count: Number(e.target.value) } : x)))}
          />
          <button
            type="button"
            onClick={() => set(list.filter((_, j) => j !== i))}
            aria-label={t('deployment.form.remove')}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );

  return (
    <form className="dep-form" onSubmit={(e) => void submit(e)} data-testid="demand-form">
      <div className="dep-panel-head">
        <h2>{t('deployment.form.title')}</h2>
        <button type="button" onClick={onClose}>
          {t('deployment.form.cancel')}
        </button>
      </div>
      <div className="dep-grid-2">
        <label>
          {t('deployment.form.region')}
          <select name="region" value={region} onChange={(e) => setRegion(e.target.value)}>
            {regions.map((r) => (
              <option key={r.id} value={r.id}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('deployment.form.type')}
          <select name="type" value={type} onChange={(e) => setType(e.target.value)}>
            {DEMAND_TYPES.map((x) => (
              <option key={x} value={x}>
                {t(`deployment.type.${x}` as 'deployment.title')}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('deployment.form.level')}
          <select name="level" value={level} onChange={(e) => setLevel(Number(e.target.value))}>
            {[1, 2, 3, 4].map((l) => (
              <option key={l} value={l}>
                {t(`deployment.level.${l}` as 'deployment.title')}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('deployment.form.headcount')}
          <input
            name="headcount"
            type="number"
            min={1}
            max={500}
            value={headcount}
            onChange={(e) => setHeadcount(Number(e.target.value))}
          />
        </label>
      </div>
      <label>
        {t('deployment.form.titleField')}
        <input
          name="title"
          required
          minLength={2}
          maxLength={200}
          value={title}
          placeholder={t('deployment.form.titlePlaceholder')}
          onChange={(e) => setTitle(e.target.value)}
        />
      </label>
      <div className="dep-field">
        <span>{t('deployment.form.location')}</span>
        <div className="dep-row">
          <input
            name="address"
            value={address}
            placeholder={t('deployment.form.address')}
            onChange={(e) => setAddress(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                void find();
              }
            }}
          />
          <button type="button" onClick={() => void find()}>
            {t('deployment.form.search')}
          </button>
          <button type="button" className={picking ? 'primary' : ''} onClick={onPickStart} data-testid="pick-on-map">
            {t('deployment.form.pickOnMap')}
          </button>
        </div>
        <span className="muted small" data-testid="picked">
          {picked ? `${picked[0].toFixed(5)}, ${picked[1].toFixed(5)}` : t('deployment.form.needLocation')}
        </span>
      </div>
      <label>
        {t('deployment.form.meetingPoint')}
        <input
          name="meetingPoint"
          value={meetingPoint}
          maxLength={200}
          onChange={(e) => setMeetingPoint(e.target.value)}
        />
      </label>
      <div className="dep-field">
        <span>{t('deployment.form.skills')}</span>
        {rows(skills, setSkills, SKILLS, skillName)}
        <button type="button" className="link" onClick={() => setSkills([...skills, { code: 'first_aid', count: 1 }])}>
          + {t('deployment.form.addSkill')}
        </button>
      </div>
      <div className="dep-field">
        <span>{t('deployment.form.equipment')}</span>
        {rows(equipment, setEquipment, EQUIPMENT_KINDS, (c) =>
          t(`deployment.equipment.${c}` as 'deployment.title', { defaultValue: c }),
        )}
        <button
          type="button"
          className="link"
          onClick={() => setEquipment([...equipment, { code: 'drone', count: 1 }])}
        >
          + {t('deployment.form.addEquipment')}
        </button>
      </div>
      <div className="dep-grid-2">
        <label>
          {t('deployment.form.deadline')}
          <input
            name="deadlineMin"
            type="number"
            min={5}
            max={1440}
            value={deadlineMin}
            onChange={(e) => setDeadlineMin(Number(e.target.value))}
          />
        </label>
        <label>
          {t('deployment.form.duration')}
          <input
            name="durationMin"
            type="number"
            min={15}
            max={1440}
            value={durationMin}
            onChange={(e) => setDurationMin(Number(e.target.value))}
          />
        </label>
      </div>
      {failure && (
        <p className="form-error" role="alert">
          {failure}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy} data-testid="demand-submit">
        {busy ? t('deployment.form.submitting') : t('deployment.form.submit')}
      </button>
    </form>
  );
}
