import { describe, expect, it } from 'vitest';
import { ROLES } from '../../../../contracts/roles.ts';
import { sectionFromHash, sectionsFor } from './nav.items.ts';

describe('role-aware navigation', () => {
  it('shows the audit trail only to auditors and user management only to administrators', () => {
    expect(sectionsFor(['auditor'])).toEqual(['audit']);
    expect(sectionsFor(['system_admin'])).toEqual(['dataGovernance', 'users']);
    expect(sectionsFor(['security_admin'])).toEqual(['users']);
    for (const role of ROLES.filter((r) => r !== 'auditor')) expect(sectionsFor([role])).not.toContain('audit');
  });

  it('gives every role at least one section, and a dispatcher the map and the 110 console', () => {
    for (const role of ROLES) expect(sectionsFor([role]).length, role).toBeGreaterThan(0);
    expect(sectionsFor(['city_dispatcher'])).toEqual(expect.arrayContaining(['map', 'dispatch', 'deployment']));
    expect(sectionsFor(['grid_worker'])).toEqual(['map', 'community']);
  });

  it('unions the sections of several roles and ignores unknown roles', () => {
    expect(sectionsFor(['grid_worker', 'auditor'])).toEqual(['map', 'community', 'audit']);
    expect(sectionsFor(['no_such_role'])).toEqual([]);
  });

  it('reads the section from the URL hash, refusing sections the user may not open', () => {
    const allowed = sectionsFor(['patrol_officer']);
    expect(sectionFromHash('#/field', allowed)).toBe('field');
    expect(sectionFromHash('#/map', allowed)).toBe('map');
    // A patrol officer lands on their own task; forbidden or unknown sections fall back to it.
    expect(sectionFromHash('#/dispatch', allowed)).toBe('field');
    expect(sectionFromHash('#/users', allowed)).toBe('field');
    expect(sectionFromHash('#/nonsense', allowed)).toBe('field');
    expect(sectionFromHash('', allowed)).toBe('field');
    expect(sectionFromHash('#/map', [])).toBeNull();
  });
});
