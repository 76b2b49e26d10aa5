import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import { assertDemoPassword } from './identity.demo.ts';

describe('the demo password', () => {
  it('follows the password policy: the default passes, the old default and one holding a demo login do not', () => {
    expect(() => assertDemoPassword(loadConfig({}).demoPassword)).not.toThrow();
    expect(() => assertDemoPassword('onepoint-demo')).toThrow(
      /ONEPOINT_DEMO_PASSWORD must mix at least three of/,
    );
    expect(() => assertDemoPassword('Supervisor-2026')).toThrow(
      /ONEPOINT_DEMO_PASSWORD must not contain the login \(supervisor\)/,
    );
  });
});
