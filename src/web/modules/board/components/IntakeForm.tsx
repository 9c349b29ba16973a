/**
 * The new-call form, built for the keyboard: the type picker filters as you type (arrows, Enter or Tab pick),
 * Tab walks the fields in reading order, Ctrl+Enter submits from anywhere, Esc closes. One Idempotency-Key per
 * submitted call, reused when the same call is retried.
 */
import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { authedJson } from '../../auth/state/session.store.ts';
import { createIncident, newIdempotencyKey, type Codes, type CreateIncidentResponse } from '../api/board.api.ts';
import { ActionKeys } from '../utils/idempotency.ts';
import {
  CHANNELS,
  emptyIntake,
  filterSubTypes,
  subTypeOptions,
  validateIntake,
  type IntakeErrors,
  type IntakeForm as Form,
  type SubTypeOption,
} from '../utils/intake.ts';
import { isSubmitChord, moveActive } from '../utils/keys.ts';
import { boardError } from '../utils/errors.ts';
import { severityNumeral } from '../utils/queue.ts';

export interface IntakeFormProps {
  codes: Codes;
  onCreated(result: CreateIncidentResponse): void;
  onClose(): void;
}

const FIELD_ORDER: (keyof Form)[] = ['subType', 'address', 'description', 'callerPhone', 'injuries', 'crowdSize'];

export function IntakeForm({ codes, onCreated, onClose }: IntakeFormProps) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const options = useMemo(() => subTypeOptions(codes), [codes]);
  const known = useMemo(() => new Set(options.map((o) => o.code)), [options]);
  const [form, setForm] = useState<Form>(emptyIntake);
  const [typeQuery, setTypeQuery] = useState('');
  const [listOpen, setListOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [errors, setErrors] = useState<IntakeErrors>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [addressHints, setAddressHints] = useState<string[]>([]);
  const keys = useRef(new ActionKeys(newIdempotencyKey));
  const typeRef = useRef<HTMLInputElement>(null);
  const formRef = useRef<HTMLFormElement>(null);

  const matches = useMemo(() => filterSubTypes(options, typeQuery), [options, typeQuery]);
  const picked = options.find((o) => o.code === form.subType);

  useEffect(() => {
    typeRef.current?.focus();
  }, []);

  // Address suggestions from the standard address register (best effort; typing free text is allowed).
  useEffect(() => {
    const q = form.address.trim();
    if (q.length < 2) {
      setAddressHints([]);
      return;
    }
    const abort = new AbortController();
    const timer = setTimeout(() => {
      authedJson<{ items: { type: string; label: string }[] }>(`/api/geo/search?q=${encodeURIComponent(q)}&limit=6`, {
        signal: abort.signal,
      })
        .then((r) => setAddressHints(r.items.filter((h) => h.type === 'address').map((h) => h.label)))
        .catch(() => undefined);
    }, 250);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [form.address]);

  const set = <K extends keyof Form>(key: K, value: Form[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined }));
  };

  const pick = (o: SubTypeOption) => {
    set('subType', o.code);
    setTypeQuery(`${o.categoryLabel} · ${o.label}`);
    setListOpen(false);
  };

  const onTypeKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setListOpen(true);
      setActive((a) => moveActive(a, e.key, matches.length));
    } else if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      const o = matches[active];
      if (listOpen && o) pick(o);
    } else if (e.key === 'Tab' && !e.shiftKey && listOpen && !picked) {
      // Tab takes the highlighted type and moves on, like a select.
      const o = matches[active];
      if (o) pick(o);
    } else if (e.key === 'Escape' && listOpen) {
      e.preventDefault();
      e.stopPropagation();
      setListOpen(false);
    }
  };

  const submit = async () => {
    if (busy) return;
    setFailure(null);
    const v = validateIntake(form, known);
    if (!v.ok) {
      setErrors(v.errors);
      const first = FIELD_ORDER.find((f) => v.errors[f]);
      formRef.current?.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
      return;
    }
    setBusy(true);
    try {
      const result = await createIncident(v.body, keys.current.keyFor(v.body));
      keys.current.settle();
      onCreated(result);
    } catch (err) {
      // The key stays: submitting the same call again is a retry, answered once by the server.
      setFailure(boardError(t, err, i18n.language));
    } finally {
      setBusy(false);
    }
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void submit();
  };

  const onFormKey = (e: KeyboardEvent<HTMLFormElement>) => {
    if (isSubmitChord(e)) {
      e.preventDefault();
      void submit();
    } else if (e.key === 'Escape' && !e.defaultPrevented) {
      e.preventDefault();
      e.stopPropagation();
      onClose();
    }
  };

  const err = (field: keyof Form) =>
    errors[field] ? (
      <small className="board-field-error" id={`${id}-${field}-err`}>
        {t(`board.intake.errors.${errors[field]}` as 'board.title')}
      </small>
    ) : null;
  const invalid = (field: keyof Form) =>
    errors[field] ? { 'aria-invalid': true, 'aria-describedby': `${id}-${field}-err` } : {};

  return (
    <form
      ref={formRef}
      className="board-intake"
      onSubmit={onSubmit}
      onKeyDown={onFormKey}
      aria-labelledby={`${id}-title`}
      data-testid="intake-form"
      noValidate
    >
      <div className="board-panel-head">
        <h2 id={`${id}-title`}>{t('board.intake.title')}</h2>
        <span className="muted small">{t('board.intake.hint')}</span>
      </div>

      <div className="board-combo">
        <label htmlFor={`${id}-type`}>{t('board.intake.type')}</label>
        <input
          id={`${id}-type`}
          ref={typeRef}
          name="subType"
          role="combobox"
          aria-expanded={listOpen}
          aria-controls={`${id}-types`}
          aria-autocomplete="list"
          aria-activedescendant={listOpen && matches[active] ? `${id}-opt-${active}` : undefined}
          autoComplete="off"
          placeholder={t('board.intake.typePlaceholder')}
          value={typeQuery}
          onChange={(e) => {
            setTypeQuery(e.target.value);
            setActive(0);
            setListOpen(true);
            if (form.subType) set('subType', '');
          }}
          onFocus={() => !picked && setListOpen(true)}
          onBlur={() => setListOpen(false)}
          onKeyDown={onTypeKey}
          {...invalid('subType')}
        />
        {picked && (
          <span className="muted small">
            <span className={`board-sev sev-${picked.baseSeverity}`}>{severityNumeral(picked.baseSeverity)}</span>{' '}
            {t('board.intake.baseSeverity', { level: t(`board.severity.${picked.baseSeverity}` as 'board.title') })}
          </span>
        )}
        {err('subType')}
        {listOpen && (
          <ul className="board-combo-list" id={`${id}-types`} role="listbox" data-testid="type-options">
            {matches.length === 0 && <li className="muted">{t('board.intake.noType')}</li>}
            {matches.map((o, i) => (
              <li
                key={o.code}
                id={`${id}-opt-${i}`}
                role="option"
                aria-selected={i === active}
                onMouseDown={(e) => {
                  e.preventDefault();
                  pick(o);
                }}
              >
                <span className="muted">{o.categoryLabel}</span> {o.label}
                <span className={`board-sev-dot sev-${o.baseSeverity}`} aria-hidden="true" />
              </li>
            ))}
          </ul>
        )}
      </div>

      <label className="board-field">
        <span>{t('board.intake.address')}</span>
        <input
          name="address"
          list={`${id}-addresses`}
          autoComplete="off"
          placeholder={t('board.intake.addressPlaceholder')}
          value={form.address}
          onChange={(e) => set('address', e.target.value)}
          {...invalid('address')}
        />
        <datalist id={`${id}-addresses`}>
          {addressHints.map((h) => (
            <option key={h} value={h} />
          ))}
        </datalist>
        {err('address')}
      </label>

      <label className="board-field">
        <span>{t('board.intake.description')}</span>
        <textarea
          name="description"
          rows={2}
          value={form.description}
          onChange={(e) => set('description', e.target.value)}
          {...invalid('description')}
        />
        {err('description')}
      </label>

      <div className="board-grid-3">
        <label className="board-field">
          <span>{t('board.intake.channel')}</span>
          <select
            name="channel"
            value={form.channel}
            onChange={(e) => set('channel', e.target.value as Form['channel'])}
          >
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {t(`board.channel.${c}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="board-field">
          <span>{t('board.intake.callerName')}</span>
          <input
            name="callerName"
            autoComplete="off"
            value={form.callerName}
            onChange={(e) => set('callerName', e.target.value)}
            {...invalid('callerName')}
          />
          {err('callerName')}
        </label>
        <label className="board-field">
          <span>{t('board.intake.callerPhone')}</span>
          <input
            name="callerPhone"
            inputMode="tel"
            autoComplete="off"
            value={form.callerPhone}
            onChange={(e) => set('callerPhone', e.target.value)}
            {...invalid('callerPhone')}
          />
          {err('callerPhone')}
        </label>
      </div>

      <div className="board-grid-4">
        <label className="board-check">
          <input
            type="checkbox"
            name="weapons"
            checked={form.weapons}
            onChange={(e) => set('weapons', e.target.checked)}
          />
          {t('board.intake.weapons')}
        </label>
        <label className="board-check">
          <input
            type="checkbox"
            name="minorsInvolved"
            checked={form.minorsInvolved}
            onChange={(e) => set('minorsInvolved', e.target.checked)}
          />
          {t('board.intake.minors')}
        </label>
        <label className="board-field inline">
          <span>{t('board.intake.injuries')}</span>
          <input
            name="injuries"
            inputMode="numeric"
            value={form.injuries}
            onChange={(e) => set('injuries', e.target.value)}
            {...invalid('injuries')}
          />
          {err('injuries')}
        </label>
        <label className="board-field inline">
          <span>{t('board.intake.crowd')}</span>
          <input
            name="crowdSize"
            inputMode="numeric"
            value={form.crowdSize}
            onChange={(e) => set('crowdSize', e.target.value)}
            {...invalid('crowdSize')}
          />
          {err('crowdSize')}
        </label>
      </div>

      {failure && (
        <p className="form-error" role="alert" data-testid="intake-error">
          {failure}
        </p>
      )}
      <div className="row board-actions-row">
        <button type="submit" className="primary" disabled={busy} aria-keyshortcuts="Control+Enter">
          {busy ? t('board.intake.submitting') : t('board.intake.submit')}
        </button>
        <button type="button" onClick={onClose}>
          {t('board.intake.cancel')}
        </button>
      </div>
    </form>
  );
}
