import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findProgram, MissingProgramError, NGIRCD, REDIS_SERVER, requirePrograms } from './binaries';

let root: string;
let bin: string;
let sbin: string;
let empty: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'zenrelay-binaries-'));
  [bin, sbin, empty] = ['bin', 'sbin', 'empty'].map((d) => join(root, d));
  for (const d of [bin, sbin, empty]) mkdirSync(d);
  writeFileSync(join(bin, 'redis-server'), '#!/bin/sh\n');
  chmodSync(join(bin, 'redis-server'), 0o755);
  writeFileSync(join(sbin, 'ngircd'), '#!/bin/sh\n');
  chmodSync(join(sbin, 'ngircd'), 0o755);
  writeFileSync(join(bin, 'ngircd'), 'not executable\n');
  chmodSync(join(bin, 'ngircd'), 0o644);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('findProgram', () => {
  it('finds a program on the PATH, then in the extra (sbin) dirs, skipping files that are not executable', () => {
    const options = { path: `${empty}:${bin}`, extraDirs: [sbin] };
    expect(findProgram('redis-server', options)).toBe(join(bin, 'redis-server'));
    expect(findProgram('ngircd', options)).toBe(join(sbin, 'ngircd'));
    expect(findProgram('inspircd', options)).toBeUndefined();
  });
});

describe('requirePrograms', () => {
  it('returns the paths in order', () => {
    expect(requirePrograms([REDIS_SERVER, NGIRCD], { path: bin, extraDirs: [sbin] })).toEqual([join(bin, 'redis-server'), join(sbin, 'ngircd')]);
  });

  it('names every missing program, the apt-get line that installs it, and the alternative', () => {
    let error: unknown;
    try {
      requirePrograms([REDIS_SERVER, NGIRCD], { path: empty, extraDirs: [] });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(MissingProgramError);
    const message = (error as Error).message;
    expect(message).toContain('redis-server and ngircd not found');
    expect(message).toContain('sudo apt-get install -y redis-server ngircd');
    expect(message).toContain(empty);
    expect(message).toContain('IRC_HOST');
  });

  it('asks only for what is missing', () => {
    expect(() => requirePrograms([REDIS_SERVER, NGIRCD], { path: bin, extraDirs: [] })).toThrow(/^ngircd not found .*apt-get install -y ngircd /);
  });
});
