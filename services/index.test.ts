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
