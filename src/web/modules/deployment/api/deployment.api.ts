/**
 * The deployment endpoints the board uses; shapes mirror src/server/modules/deployment/{deployment,approval,
 * execution,record,kpi}.schemas.ts.
 */
import { authedJson, postIdempotent } from '../../auth/state/session.store.ts';

export type Level = 1 | 2 | 3 | 4;
export type DemandStatus = 'draft' | 'open' | 'planned' | 'approved' | 'executing' | 'closed' | 'cancelled';

export interface SkillNeed {
  skill: string;
  count: number;
}
export interface EquipmentNeed {
  kind: string;
  count: number;
  standard?: string;
}

export interface Demand {
  id: string;
  code: string;
  jurisdictionId: string;
  type: string;
  level: number;
  title: string;
  lon: number;
  lat: number;
  meetingPoint: string | null;
  headcount: number;
  requiredSkills: SkillNeed[];
  requiredEquipment: EquipmentNeed[];
  deadlineAt: string;
  expectedDurationMin: number;
  status: DemandStatus | string;
  source: 'manual' | 'automatic' | string;
  sourceDetail: unknown;
  incidentId: string | null;
  createdAt: string;
  confirmedAt: string | null;
}

export interface DemandBody {
  jurisdictionId: string;
  type: string;
  level: number;
  title: string;
  lon: number;
  lat: number;
  meetingPoint?: string;
  headcount: number;
  requiredSkills: SkillNeed[];
  requiredEquipment: EquipmentNeed[];
  deadlineAt: string;
  expectedDurationMin: number;
}

export interface PlanAssignment {
  id: string;
  officerId: string;
  officerName: string;
  policeNumber: string;
  regionId: string;
  demandId: string;
  slot: string;
  etaSec: number;
  reason: string;
  status: string;
}

export interface Shortfall {
  demandId: string;
  slot: string;
  missing: number;
  why: string;
}

export interface CoverLeft {
  available: number;
  lent: number;
  left: number;
  minCover: number;
}

export interface Adjustments {
  pins?: { officerId: string; demandId: string }[];
  remove?: string[];
  headcount?: Record<string, number>;
  cover?: Record<string, number>;
}

export interface Plan {
  id: string;
  status: string;
  demandIds: string[];
  requiredApproval: string;
  emergency: boolean;
  objective: number | null;
  method: string | null;
  solveMs: number | null;
  assignments: PlanAssignment[];
  shortfalls: Shortfall[];
  cover: Record<string, CoverLeft>;
  passedOver: { officerId: string; demandId: string; why: string }[];
  rejectedPins: { officerId: string; demandId: string; why: string }[];
  equipment: { demandId: string; equipmentId: string; kind: string; standard: string | null }[];
  equipmentShortfalls: { demandId: string; kind: string; missing: number }[];
  adjustments: unknown;
  timings: { loadMs: number; etaMs: number; solveMs: number; totalMs: number };
  createdAt: string;
}

export interface PoolOfficer {
  id: string;
  name: string;
  policeNumber: string;
  regionId: string;
  position: { lon: number; lat: number; source: 'avl' | 'station' } | null;
  eligible: boolean;
  why: string | null;
  skills: string[];
}

export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'escalated' | 'ratified';

export interface Approval {
  id: string;
  planId: string;
  planStatus: string;
  tier: 'city' | 'province';
  jurisdictionId: string;
  status: ApprovalStatus;
  level: number;
  action: string;
  demandIds: string[];
  emergency: boolean;
  dueAt: string;
  overdue: boolean;
  escalatedFrom: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  comment: string | null;
  keyId: string | null;
  signed: boolean;
  createdAt: string;
  canDecide: boolean;
}

export interface ApproverKey {
  id: string;
  algorithm: 'ECDSA-P256-SHA256' | 'Ed25519';
  publicKeySpki: string;
  createdAt: string;
  revokedAt: string | null;
}

export interface VerifyResult {
  valid: boolean;
  algorithm: string;
  keyId: string;
  payload: string;
  decidedBy: string;
  checks: { signature: boolean; approval: boolean; decision: boolean; signer: boolean };
}

export interface OfficerRef {
  id: string;
  name: string;
  policeNumber: string;
  homeRegionId: string;
  homeRegionName: string;
}

export interface TrackingItem {
  assignmentId: string;
  officer: OfficerRef;
  status: string;
  position: { lon: number; lat: number; source: 'avl' | 'station'; recordedAt: string | null } | null;
  remainingEtaSec: number | null;
  expectedArrivalAt: string | null;
  deadlineAt: string;
  arrived: boolean;
  arrivedAt: string | null;
  late: boolean;
}

export interface Tracking {
  demandId: string;
  code: string;
  status: string;
  lon: number;
  lat: number;
  deadlineAt: string;
  computedAt: string;
  items: TrackingItem[];
}

export interface RecordEntry {
  index: number | null;
  status: 'verified' | 'failed' | 'pending';
  at: string;
  actor: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  outcome: string;
  proof: { leafIndex: number; treeSize: number; rootHash: string; hashes: string[] } | null;
}

export interface DemandRecord {
  demandId: string;
  code: string;
  checkpointValid: boolean | null;
  entries: RecordEntry[];
  counts: { verified: number; failed: number; pending: number };
}

type Ratio = number | null;
export interface Kpis {
  jurisdictionId: string;
  from: string;
  to: string;
  responseTime: {
    level: number;
    standardMin: number;
    arrivals: number;
    notArrived: number;
    meanMin: number | null;
    p90Min: number | null;
    withinStandardShare: Ratio;
  }[];
  utilisation: { deployedOfficers: number; deployableOfficers: number; rate: Ratio; officerHours: number };
  caseClearance: { incidents: number; closed: number; rate: Ratio };
  equipmentCompatibility: { items: number; compatible: number; rate: Ratio };
  satisfaction: { released: number; responses: number; meanRating: number | null; responseRate: Ratio };
  logisticsCoverage: { demands: number; covered: number; rate: Ratio };
  balance: { regions: { regionId: string; givenHours: number; receivedHours: number; netHours: number }[] };
}

const enc = encodeURIComponent;

export const fetchDemands = (signal?: AbortSignal) =>
  authedJson<{ items: Demand[] }>('/api/deployment/demands?limit=200', { signal });
export const createDemand = (body: DemandBody, key: string) =>
  postIdempotent<Demand>('/api/deployment/demands', body, key);
export const confirmDemand = (id: string) =>
  authedJson<Demand>(`/api/deployment/demands/${enc(id)}/confirm`, { method: 'POST' });

export const proposePlan = (body: { demandIds?: string[]; adjustments?: Adjustments }) =>
  authedJson<Plan>('/api/deployment/plans', { method: 'POST', body });
export const fetchPlan = (id: string, signal?: AbortSignal) =>
  authedJson<Plan>(`/api/deployment/plans/${enc(id)}`, { signal });
export const whatIf = (id: string, adjustments: Adjustments) =>
  authedJson<Plan>(`/api/deployment/plans/${enc(id)}/whatif`, { method: 'POST', body: { adjustments } });
export const submitPlan = (id: string, emergency: boolean) =>
  authedJson<Plan>(`/api/deployment/plans/${enc(id)}/submit`, {
    method: 'POST',
    body: emergency ? { emergency: true } : {},
  });

export const fetchOfficers = (jurisdictionId: string, signal?: AbortSignal) =>
  authedJson<{ items: PoolOfficer[] }>(
    `/api/deployment/officers?jurisdictionId=${enc(jurisdictionId)}&eligible=true&limit=1000`,
    { signal },
  );

export const fetchApprovals = (signal?: AbortSignal) =>
  authedJson<{ items: Approval[] }>('/api/deployment/approvals?limit=100', { signal });
export const fetchMyKeys = () => authedJson<{ items: ApproverKey[] }>('/api/deployment/approver-keys');
export const registerKey = (publicKeySpki: string) =>
  authedJson<ApproverKey>('/api/deployment/approver-keys', {
    method: 'POST',
    body: { publicKeySpki, algorithm: 'ECDSA-P256-SHA256' },
  });
export const fetchPayload = (id: string, decision: 'approve' | 'reject') =>
  authedJson<{ approvalId: string; decision: string; payload: string }>(
    `/api/deployment/approvals/${enc(id)}/payload?decision=${decision}`,
  );
export const decideApproval = (
  id: string,
  body: { decision: 'approve' | 'reject'; comment?: string; keyId: string; signature: string },
) => authedJson<Approval>(`/api/deployment/approvals/${enc(id)}/decide`, { method: 'POST', body });
export const verifyApproval = (id: string) => authedJson<VerifyResult>(`/api/deployment/approvals/${enc(id)}/verify`);

export const fetchRecord = (demandId: string) =>
  authedJson<DemandRecord>(`/api/deployment/demands/${enc(demandId)}/record`);
export const fetchTracking = (demandId: string, signal?: AbortSignal) =>
  authedJson<Tracking>(`/api/deployment/demands/${enc(demandId)}/tracking`, { signal });
export const handOver = (demandId: string) =>
  authedJson<{ handedOver: unknown[]; grants: number }>(`/api/deployment/demands/${enc(demandId)}/handover`, {
    method: 'POST',
  });
export const release = (demandId: string) =>
  authedJson<{ released: unknown[]; grantsRevoked: number }>(`/api/deployment/demands/${enc(demandId)}/release`, {
    method: 'POST',
  });
export const fetchKpis = (jurisdictionId: string, signal?: AbortSignal) =>
  authedJson<Kpis>(`/api/deployment/kpis?jurisdictionId=${enc(jurisdictionId)}`, { signal });

export interface GeocodeResult {
  location: [number, number];
  exact: boolean;
  address: { label?: string; text?: string } & Record<string, unknown>;
}
export const geocode = (q: string) => authedJson<GeocodeResult>(`/api/geo/geocode?q=${enc(q)}`);

export interface TreeNode {
  id: string;
  level: string;
  name: string;
  children: TreeNode[];
}
/** The jurisdiction tree the user may see, three levels deep (names of regions and counties). */
export const fetchTree = (signal?: AbortSignal) =>
  authedJson<{ roots: TreeNode[] }>('/api/jurisdictions?depth=3', { signal });

/** Every node of the tree, flattened. */
export function flattenTree(roots: TreeNode[]): TreeNode[] {
  const out: TreeNode[] = [];
  const walk = (n: TreeNode) => {
    out.push(n);
    for (const c of n.children ?? []) walk(c);
  };
  roots.forEach(walk);
  return out;
}
