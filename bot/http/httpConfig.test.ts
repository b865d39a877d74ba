import { loadBotConfig } from '../config';
import { ConfigError } from '@zenrelay/runtime';

const base = { IRC_HOST: 'irc.example.org' };

describe('HTTP_PORT and HTTP_HOST', () => {
  it('has no HTTP endpoint by default, and loopback as the address', () => {
    expect(loadBotConfig(base)).toMatchObject({ httpPort: undefined, httpHost: '127.0.0.1' });
    expect(loadBotConfig({ ...base, HTTP_PORT: '  ' }).httpPort).toBeUndefined();
  });

  it('reads a port and an address', () => {
    expect(loadBotConfig({ ...base, HTTP_PORT: '9464', HTTP_HOST: '0.0.0.0' })).toMatchObject({ httpPort: 9464, httpHost: '0.0.0.0' });
  });

  it.each(['0', '70000', 'http', '-1'])('rejects HTTP_PORT=%s naming the variable', (value) => {
    expect(() => loadBotConfig({ ...base, HTTP_PORT: value })).toThrow(ConfigError);
    expect(() => loadBotConfig({ ...base, HTTP_PORT: value })).toThrow(/^HTTP_PORT /);
  });
});
