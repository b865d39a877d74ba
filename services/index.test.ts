import { INHERITED_NAMES } from '@zenrelay/protocol';
import { bundledService, bundledServices } from './index';

describe('bundledService', () => {
  it('finds every bundled service by name', () => {
    for (const name of Object.keys(bundledServices)) expect(bundledService(name)).toBe(bundledServices[name]);
  });

  it.each(INHERITED_NAMES)('knows no service called %s', (name) => {
    expect(bundledService(name)).toBeUndefined();
  });
});

describe('the admin service in zen up', () => {
  it('is wanted only when ZEN_ADMINS names someone', () => {
    const admin = bundledService('admin');
    expect(admin?.wanted?.({})).toBe(false);
    expect(admin?.wanted?.({ ZEN_ADMINS: '  ' })).toBe(false);
    expect(admin?.wanted?.({ ZEN_ADMINS: 'account:alice' })).toBe(true);
  });
});
