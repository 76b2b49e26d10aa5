import { describe, expect, it } from 'vitest';
import { isCentreStaff, staffRoles } from './staff.ts';

describe("who counts as a supervisor's staff", () => {
  it('leaves out field technicians and portal accounts, not people who also hold another role', () => {
    expect(isCentreStaff({ roles: ['agent'] })).toBe(true);
    expect(isCentreStaff({ roles: ['technician'] })).toBe(false);
    expect(isCentreStaff({ roles: ['customer'] })).toBe(false);
    expect(isCentreStaff({ roles: ['technician', 'dispatcher'] })).toBe(true);
    expect(staffRoles({ roles: ['technician', 'dispatcher'] })).toEqual(['dispatcher']);
  });
});
