/** Pure helpers of the new-call form: the sub-type picker's filter and the form → request validation. */
import type { Codes, CreateIncidentBody } from '../api/board.api.ts';

export type Channel = CreateIncidentBody['channel'];
export const CHANNELS: readonly Channel[] = ['phone', 'sms', 'app', 'walk_in'];

/** What the call-taker typed, as strings (the form's raw state). */
export interface IntakeForm {
  subType: string;
  address: string;
  description: string;
  channel: Channel;
  callerName: string;
  callerPhone: string;
  weapons: boolean;
  injuries: string;
  minorsInvolved: boolean;
  crowdSize: string;
}

/** The empty form: channel defaults to phone (a 110 call). */
export function emptyIntake(): IntakeForm {
  return {
    subType: '',
    address: '',
    description: '',
    channel: 'phone',
    callerName: '',
    callerPhone: '',
    weapons: false,
    injuries: '',
    minorsInvolved: false,
    crowdSize: '',
  };
}

/** Field → i18n key (under board.intake.errors) of what is wrong with it. */
export type IntakeErrors = Partial<Record<keyof IntakeForm, string>>;

const PHONE = /^\+?[0-9][0-9-]{2,19}$/;
const SUB_TYPE = /^[a-z_]+\.[a-z_]+$/;

function count(raw: string, max: number): number | 'bad' | undefined {
  const s = raw.trim();
  if (s === '') return undefined;
  if (!/^[0-9]+$/.test(s)) return 'bad';
  const n = Number(s);
  return n <= max ? n : 'bad';
}

/** Validates the form; returns the request body, or the errors by field (nothing is sent then). */
export function validateIntake(
  form: IntakeForm,
  knownSubTypes: ReadonlySet<string>,
): { ok: true; body: CreateIncidentBody } | { ok: false; errors: IntakeErrors } {
  const errors: IntakeErrors = {};
  const subType = form.subType.trim();
  if (!subType) errors.subType = 'required';
  else if (!SUB_TYPE.test(subType) || !knownSubTypes.has(subType)) errors.subType = 'unknownType';
  const address = form.address.trim();
  if (address.length < 2) errors.address = address ? 'tooShort' : 'required';
  else if (address.length > 200) errors.address = 'tooLong';
  const description = form.description.trim();
  if (!description) errors.description = 'required';
  else if (description.length > 2000) errors.description = 'tooLong';
  const phone = form.callerPhone.trim();
  if (phone && !PHONE.test(phone)) errors.callerPhone = 'phone';
  const name = form.callerName.trim();
  if (name.length > 64) errors.callerName = 'tooLong';
  const injuries = count(form.injuries, 10_000);
  if (injuries === 'bad') errors.injuries = 'count';
  const crowdSize = count(form.crowdSize, 1_000_000);
  if (crowdSize === 'bad') errors.crowdSize = 'count';
  if (!CHANNELS.includes(form.channel)) errors.channel = 'required';
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const body: CreateIncidentBody = {
    category: subType.split('.')[0]!,
    subType,
    address,
    description,
    channel: form.channel,
  };
  if (name) body.callerName = name;
  if (phone) body.callerPhone = phone;
  if (form.weapons) body.weapons = true;
  if (form.minorsInvolved) body.minorsInvolved = true;
  if (typeof injuries === 'number') body.injuries = injuries;
  if (typeof crowdSize === 'number') body.crowdSize = crowdSize;
  return { ok: true, body };
}

export interface SubTypeOption {
  code: string;
  label: string;
  categoryLabel: string;
  baseSeverity: number;
}

/** Every sub-type with its category's label, in code-list order. */
export function subTypeOptions(codes: Pick<Codes, 'categories' | 'subTypes'>): SubTypeOption[] {
  const cat = new Map(codes.categories.map((c) => [c.code, c.label]));
  return codes.subTypes.map((s) => ({
    code: s.code,
    label: s.label,
    categoryLabel: cat.get(s.category) ?? s.category,
    baseSeverity: s.baseSeverity,
  }));
}

/**
 * The sub-types matching what was typed: by label (抢劫), category label (刑事), or code (robbery); every
 * whitespace-separated word must match. Label-prefix matches first, then the rest in list order.
 */
export function filterSubTypes(options: readonly SubTypeOption[], query: string): SubTypeOption[] {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...options];
  const hay = (o: SubTypeOption) => `${o.label} ${o.categoryLabel} ${o.code}`.toLowerCase();
  const hits = options.filter((o) => words.every((w) => hay(o).includes(w)));
  const first = words[0]!;
  const prefix = (o: SubTypeOption) =>
    o.label.toLowerCase().startsWith(first) || (o.code.split('.')[1] ?? '').startsWith(first);
  return [...hits.filter(prefix), ...hits.filter((o) => !prefix(o))];
}
