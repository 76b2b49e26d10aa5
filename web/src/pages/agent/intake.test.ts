import { describe, expect, it } from 'vitest';
import { intakeBody } from './IntakePage.tsx';

const base = {
  kind: 'fault' as const,
  title: ' 宽带无法上网 ',
  description: '光猫红灯',
  priority: 'normal' as const,
  channel: 'hotline' as const,
  accessNumber: '10000' as const,
};

describe('intakeBody', () => {
  it('sends the customer, the service and the call id, trimmed, and leaves empty fields out', () => {
    expect(intakeBody({ ...base, productInstanceId: 'i1', channelRef: ' C-1 ', category: '' }, 'c1')).toEqual(
      {
        kind: 'fault',
        title: '宽带无法上网',
        description: '光猫红灯',
        channel: 'hotline',
        priority: 'normal',
        customerId: 'c1',
        productInstanceId: 'i1',
        accessNumber: '10000',
        channelRef: 'C-1',
      },
    );
  });

  it('sends no service without a customer, no hotline number for a walk-in', () => {
    const body = intakeBody({ ...base, channel: 'walk_in', productInstanceId: 'i1' }, undefined);
    expect(body).not.toHaveProperty('productInstanceId');
    expect(body).not.toHaveProperty('accessNumber');
    expect(body).not.toHaveProperty('customerId');
  });

  it('closes at intake only when ticked and answered', () => {
    expect(
      intakeBody({ ...base, kind: 'consultation', resolveNow: true, resolution: '已告知资费' }, 'c1'),
    ).toMatchObject({
      resolveAtIntake: { resolution: '已告知资费' },
    });
    expect(intakeBody({ ...base, resolveNow: false, resolution: '已告知资费' }, 'c1')).not.toHaveProperty(
      'resolveAtIntake',
    );
  });
});
