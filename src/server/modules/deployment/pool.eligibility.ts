/**
 * Who may be lent, and why not (pure). An officer is deployable when active, on duty (not resting, off duty or
 * already on a task), under the 12-hour daily duty cap, and counts a skill only while the certification that
 * skill needs is valid (an expired drone licence means no drone pilot, not no officer). The per-demand limits
 * (travel + expected duration within the cap, arrival by the deadline) are the matcher's (matching/model.ts).
 */

/** Daily duty cap in minutes, including travel and the expected duration of a task. */
export const DUTY_CAP_MIN = 12 * 60;

/** Skills that are only usable with a valid certification of this name (the demo's certificate names). */
export const CERT_FOR_SKILL: Readonly<Record<string, string>> = {
  drone: '民用无人机驾驶员执照',
  first_aid: '红十字救护员证',
  e_forensics: '电子数据取证资格',
  negotiation: '危机谈判专家资格',
  riot_control: '处突技能考核合格证',
};

/** The configurable skill list: the six support modules and the specific skills. */
export const SKILL_MODULES = [
  'module_stability',
  'module_investigation',
  'module_tech_support',
  'module_public_order',
  'module_traffic',
  'module_community',
] as const;
export const SPECIFIC_SKILLS = [
  'e_forensics',
  'negotiation',
  'riot_control',
  'traffic',
  'drone',
  'first_aid',
  'foreign_language',
] as const;
export const ALL_SKILLS: readonly string[] = [...SKILL_MODULES, ...SPECIFIC_SKILLS];

export type WhyNot = 'off_duty' | 'resting' | 'on_task' | 'over_hours' | 'inactive';

export interface OfficerFacts {
  status: string; // officers.status: active | leave | retired
  dutyStatus: string | null; // officer_duty.status, null when no row
  dutyStartedAt: Date | null;
  dutyMinutesToday: number; // earlier duty today (before the current shift)
  onLiveAssignment: boolean;
  skills: readonly string[];
  /** Certificate name → expiry date (the latest of each name). */
  certificates: ReadonlyMap<string, Date>;
}

export interface Eligibility {
  eligible: boolean;
  why: WhyNot | null;
  /** Minutes on duty today so far (earlier shifts + the current one). */
  dutyMinutes: number;
  /** Skills usable now (certification valid where one is needed). */
  skills: string[];
  /** Skills held but not usable, with the lapsed certificate. */
  lapsedSkills: { skill: string; certificate: string; expiredOn: string | null }[];
}

/** Eligibility of one officer at `now`. */
export function eligibility(f: OfficerFacts, now: Date): Eligibility {
  const current =
    f.dutyStatus === 'on_duty' && f.dutyStartedAt
      ? Math.max(0, Math.floor((now.getTime() - f.dutyStartedAt.getTime()) / 60_000))
      : 0;
  const dutyMinutes = f.dutyMinutesToday + current;
  const skills: string[] = [];
  const lapsedSkills: Eligibility['lapsedSkills'] = [];
  for (const s of f.skills) {
    const cert = CERT_FOR_SKILL[s];
    if (cert === undefined) {
      skills.push(s);
      continue;
    }
    const expires = f.certificates.get(cert);
    if (expires && expires.getTime() > now.getTime()) skills.push(s);
    else
      lapsedSkills.push({
        skill: s,
        certificate: cert,
        expiredOn: expires ? expires.toISOString().slice(0, 10) : null,
      });
  }
  let why: WhyNot | null = null;
  if (f.status !== 'active') why = 'inactive';
  else if (f.onLiveAssignment || f.dutyStatus === 'deployed') why = 'on_task';
  else if (f.dutyStatus === 'resting') why = 'resting';
  else if (f.dutyStatus !== 'on_duty') why = 'off_duty';
  else if (dutyMinutes >= DUTY_CAP_MIN) why = 'over_hours';
  return { eligible: why === null, why, dutyMinutes, skills, lapsedSkills };
}

/** Minimum cover of a region when none is configured: 30% of its officers on duty, rounded up. */
export function defaultMinCover(onDuty: number): number {
  return Math.ceil(onDuty * 0.3);
}
