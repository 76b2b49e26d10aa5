import { describe, expect, it } from 'vitest';
import { changeBody, createBody, formValuesOf, NEXT_STATES, parseCustomerNos } from './incident-form.ts';
import type { Incident } from './models.ts';

const incident: Incident = {
  id: 'i1',
  incidentNo: 'SI-000001',
  title: '导出文件外泄',
  description: '经过',
  category: 'leak',
  cause: null,
  occurredAt: null,
  discoveredAt: '2026-12-05T02:00:00.000Z',
  dataKinds: ['name'],
  estimatedAffected: null,
  severity: null,
  harm: '可能被用于诈骗，请拨打 138****5678',
  measures: null,
  advice: null,
  decidedBy: null,
  notifyIndividuals: true,
  noNoticeReason: null,
  notificationNote: null,
  closeNote: null,
  state: 'open',
  affectedCustomers: 0,
  createdAt: '2026-12-05T03:00:00.000Z',
  createdBy: null,
  assessedAt: null,
  assessedBy: null,
  notifiedAt: null,
  notifiedBy: null,
  closedAt: null,
  closedBy: null,
  updatedAt: '2026-12-05T03:00:00.000Z',
  version: 3,
};

describe('incident form', () => {
  it('sends only what changed, with the version read — never masked text left as it was', () => {
    const v = formValuesOf(incident);
    expect(changeBody(incident, v)).toBeUndefined();
    const body = changeBody(incident, {
      ...v,
      severity: 'major',
      cause: ' 违规导出 ',
      dataKinds: ['name', 'phone'],
    });
    expect(body).toEqual({ version: 3, severity: 'major', cause: '违规导出', dataKinds: ['name', 'phone'] });
    expect(body).not.toHaveProperty('harm');
    // Clearing a text sends null.
    expect(changeBody(incident, { ...v, harm: '  ' })).toEqual({ version: 3, harm: null });
    // The same kinds in another order are no change.
    expect(
      changeBody({ ...incident, dataKinds: ['name', 'phone'] }, { ...v, dataKinds: ['phone', 'name'] }),
    ).toBeUndefined();
  });

  it('leaves empty optional fields out of a new incident', () => {
    const v = { ...formValuesOf(incident), harm: '', dataKinds: [] };
    expect(createBody(v)).toEqual({
      title: '导出文件外泄',
      description: '经过',
      category: 'leak',
      discoveredAt: '2026-12-05T02:00:00.000Z',
      notifyIndividuals: true,
    });
  });

  it('offers the moves the register allows', () => {
    expect(NEXT_STATES.open).toEqual(['assessed', 'closed']);
    expect(NEXT_STATES.closed).toEqual([]);
  });

  it('reads pasted customer numbers one per line or separated, without repeats', () => {
    expect(parseCustomerNos('C1000197\nC1000198\r\n C1000197 ,C1000199；C1000200\n\n')).toEqual([
      'C1000197',
      'C1000198',
      'C1000199',
      'C1000200',
    ]);
  });
});
