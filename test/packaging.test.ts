/**
 * Packaging, checked without a Docker engine (CI has none): docker-compose.yml
 * parses and names only things that exist (services, build context,
 * Dockerfile, zen commands, bundled services, settings, depends_on targets);
 * the Dockerfile has its build and runtime stages, a non-root user, a
 * HEALTHCHECK that really works against /healthz, and COPY sources that exist
 * and are not excluded by .dockerignore.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { describeSettings, loadBotConfig, loadBusConfig } from '../bot/config';
import { bundledServices } from '../services';

const root = join(__dirname, '..');

// ---------- docker-compose.yml ----------

interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { disable?: boolean; test?: unknown };
  ports?: Array<string | number>;
  profiles?: string[];
}

const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services?: Record<string, ComposeService> };
const services = compose.services ?? {};
const ours = Object.entries(services).filter(([, s]) => s.build !== undefined);

function environment(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) return Object.fromEntries(env.map((item) => [item.split('=')[0], item.slice(item.indexOf('=') + 1)]));
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

function command(service: ComposeService): string[] {
  return typeof service.command === 'string' ? service.command.split(/\s+/) : (service.command ?? []);
}

function dependsOn(service: ComposeService): Record<string, string> {
  const deps = service.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [d, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([name, d]) => [name, d.condition ?? 'service_started']));
}

/** Every environment variable some part of the project reads: `setting('X', …)` and `env.X` in the sources. */
function knownVariables(): Set<string> {
  const known = new Set(describeSettings().map((s) => s.variable));
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [join(dir, e.name)] : []));
  for (const file of ['bot', 'clients', 'services'].flatMap((d) => walk(join(root, d)))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/setting\(\s*'([A-Z][A-Z0-9_]*)'/g)) known.add(m[1]);
    for (const m of text.matchAll(/\benv\.([A-Z][A-Z0-9_]*)\b/g)) known.add(m[1]);
  }
  return known;
}

describe('docker-compose.yml', () => {
  it('has Redis, an IRC server publishing port 6667, and the bot built from this project', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['redis', 'ircd', 'bot']));
    expect(services.redis.image).toMatch(/^redis:/);
    expect(services.ircd.image).toMatch(/ergo|inspircd/);
    expect((services.ircd.ports ?? []).map(String)).toContainEqual(expect.stringMatching(/(^|:)6667:6667$/));
    expect(command(services.bot)).toEqual(['bot']);
  });

  it.each(ours.map(([name, s]) => [name, s] as const))('%s is built from a context and Dockerfile that exist', (_name, service) => {
    const build = typeof service.build === 'string' ? { context: service.build } : (service.build ?? {});
    const context = join(root, build.context ?? '.');
    expect(statSync(context).isDirectory()).toBe(true);
    expect(existsSync(join(context, build.dockerfile ?? 'Dockerfile'))).toBe(true);
  });

  it.each(ours.map(([name, s]) => [name, s] as const))('%s runs a real zen command (bot, up, or service <a bundled service>)', (_name, service) => {
    const [sub, arg, ...rest] = command(service);
    expect(['bot', 'up', 'service']).toContain(sub);
    if (sub === 'service') {
      expect(Object.keys(bundledServices)).toContain(arg);
      expect(rest).toEqual([]);
    }
  });

  it('runs every bundled service', () => {
    const run = ours.map(([, s]) => command(s)).filter(([sub]) => sub === 'service').map(([, name]) => name);
    const everything = ours.some(([, s]) => command(s)[0] === 'up');
    for (const name of Object.keys(bundledServices)) expect(everything || run.includes(name)).toBe(true);
  });

  it.each(ours.map(([name, s]) => [name, s] as const))('%s sets only real settings', (_name, service) => {
    const known = knownVariables();
    for (const variable of Object.keys(environment(service))) expect([variable, known.has(variable)]).toEqual([variable, true]);
  });

  it.each(ours.map(([name, s]) => [name, s] as const))('%s has a valid configuration whose servers are compose services', (_name, service) => {
    const env = environment(service);
    const bus = loadBusConfig(env);
    expect(Object.keys(services)).toContain(new URL(bus.redisUrl).hostname);
    if (command(service)[0] === 'bot') {
      const config = loadBotConfig(env);
      expect(Object.keys(services)).toContain(config.ircHost);
      expect(config.ircChannels.length).toBeGreaterThan(0);
      // the HTTP endpoint is on, reachable from outside the container, and its port is the one published
      expect(config.httpPort).toBeDefined();
      expect(config.httpHost).toBe('0.0.0.0');
      expect((service.ports ?? []).map(String)).toContainEqual(expect.stringMatching(new RegExp(`:${config.httpPort}$`)));
    }
  });

  it('has depends_on targets that exist, and waits for health only where a healthcheck exists', () => {
    const dockerfileHasHealthcheck = /^HEALTHCHECK /m.test(readFileSync(join(root, 'Dockerfile'), 'utf8'));
    for (const [name, service] of Object.entries(services)) {
      for (const [target, condition] of Object.entries(dependsOn(service))) {
        expect([name, target, Object.keys(services).includes(target)]).toEqual([name, target, true]);
        expect(['service_started', 'service_healthy', 'service_completed_successfully']).toContain(condition);
        if (condition === 'service_healthy') {
          const t = services[target];
          const hasCheck = t.healthcheck?.disable !== true && (t.healthcheck?.test !== undefined || (t.build !== undefined && dockerfileHasHealthcheck));
          expect([name, target, hasCheck]).toEqual([name, target, true]);
        }
      }
    }
  });

  it('turns the image healthcheck off for services without an HTTP endpoint', () => {
    for (const [name, service] of ours) {
      if (command(service)[0] === 'service') expect([name, service.healthcheck?.disable]).toEqual([name, true]);
    }
  });
});

// ---------- Dockerfile ----------

interface Instruction {
  keyword: string;
  args: string;
}

/** Instructions with continuation lines joined and comments dropped. */
function instructions(text: string): Instruction[] {
  const joined = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  return joined.map((line) => {
    const space = line.indexOf(' ');
    return { keyword: line.slice(0, space).toUpperCase(), args: line.slice(space + 1).trim() };
  });
}

interface Stage {
  name: string;
  from: string;
  steps: Instruction[];
}

function stages(list: Instruction[]): Stage[] {
  const out: Stage[] = [];
  for (const ins of list) {
    if (ins.keyword === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      out.push({ from: m?.[1] ?? '', name: m?.[2] ?? String(out.length), steps: [] });
    } else {
      out[out.length - 1]?.steps.push(ins);
    }
  }
  return out;
}

const dockerfile = instructions(readFileSync(join(root, 'Dockerfile'), 'utf8'));
const allStages = stages(dockerfile);
const runtime = allStages[allStages.length - 1];
const dockerignore = readFileSync(join(root, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));

function ignored(path: string): boolean {
  return dockerignore.some((pattern) => {
    const p = pattern.replace(/\/$/, '');
    if (p.includes('*')) return new RegExp(`^${p.replace(/\./g, '\\.').replace(/\*/g, '[^/]*')}(/|$)`).test(path);
    return path === p || path.startsWith(`${p}/`);
  });
}

describe('Dockerfile', () => {
  it('builds in one stage and runs on node:20-slim in the last one', () => {
    expect(allStages.length).toBeGreaterThanOrEqual(2);
    const build = allStages.find((s) => s.name === 'build');
    expect(build?.steps.some((s) => s.keyword === 'RUN' && /\bnpm ci\b/.test(s.args))).toBe(true);
    expect(build?.steps.some((s) => s.keyword === 'RUN' && /\bnpm run build\b/.test(s.args))).toBe(true);
    expect(runtime.from).toBe('node:20-slim');
    expect(runtime.steps.some((s) => s.keyword === 'RUN' && /\bnpm ci\b.*--omit=dev/.test(s.args))).toBe(true);
  });

  it('runs as a non-root user', () => {
    const users = runtime.steps.filter((s) => s.keyword === 'USER').map((s) => s.args);
    expect(users.length).toBeGreaterThan(0);
    expect(users[users.length - 1]).not.toMatch(/^(root|0)(:|$)/);
  });

  it('copies only files that exist and that .dockerignore lets through; --from names a stage', () => {
    const names = allStages.map((s) => s.name);
    for (const stage of allStages) {
      for (const step of stage.steps.filter((s) => s.keyword === 'COPY' || s.keyword === 'ADD')) {
        const parts = step.args.split(/\s+/);
        const from = parts.find((p) => p.startsWith('--from='));
        const paths = parts.filter((p) => !p.startsWith('--'));
        const sources = paths.slice(0, -1);
        if (from) {
          expect(names).toContain(from.slice('--from='.length));
          continue;
        }
        for (const source of sources) {
          expect([source, existsSync(join(root, source))]).toEqual([source, true]);
          expect([source, ignored(relative(root, join(root, source)))]).toEqual([source, false]);
        }
      }
    }
  });

  it('copies every source folder the build compiles', () => {
    const build = allStages.find((s) => s.name === 'build');
    const copied = new Set((build?.steps ?? []).filter((s) => s.keyword === 'COPY').flatMap((s) => s.args.split(/\s+/).slice(0, -1)));
    const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.build.json'), 'utf8')) as { include: string[] };
    for (const pattern of tsconfig.include) {
      const top = pattern.split('/')[0];
      if (existsSync(join(root, top))) expect([top, copied.has(top)]).toEqual([top, true]);
    }
    expect(copied.has('tsconfig.build.json') && copied.has('tsconfig.json')).toBe(true);
  });

  it('gives npm ci every workspace package.json, and the runtime stage every workspace dist/', () => {
    const workspaces = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces;
    expect(workspaces.length).toBeGreaterThan(0);
    for (const stage of [allStages.find((s) => s.name === 'build'), runtime]) {
      const steps = stage?.steps ?? [];
      const npmCi = steps.findIndex((s) => s.keyword === 'RUN' && /\bnpm ci\b/.test(s.args));
      for (const ws of workspaces) {
        const copiesManifest = steps.findIndex((s) => s.keyword === 'COPY' && s.args.split(/\s+/).includes(`${ws}/package.json`));
        expect([ws, copiesManifest >= 0 && copiesManifest < npmCi]).toEqual([ws, true]);
      }
    }
    for (const ws of workspaces) {
      expect([ws, runtime.steps.some((s) => s.keyword === 'COPY' && s.args.includes('--from=build') && s.args.includes(`/app/${ws}/dist`))]).toEqual([ws, true]);
    }
  });

  it('starts the built zen command', () => {
    const entrypoint = runtime.steps.find((s) => s.keyword === 'ENTRYPOINT');
    // with the bin's node flags (test/nodeFlags.test.ts)
    expect(JSON.parse(entrypoint?.args ?? '[]')).toEqual(['node', '--optimize-for-size', 'dist/clients/cli/zen.js']);
    expect(existsSync(join(root, 'clients', 'cli', 'zen.ts'))).toBe(true);
    const cmd = runtime.steps.find((s) => s.keyword === 'CMD');
    expect(JSON.parse(cmd?.args ?? '[]')).toEqual(['bot']);
  });

  describe('HEALTHCHECK', () => {
    const healthcheck = runtime.steps.find((s) => s.keyword === 'HEALTHCHECK');
    const shellCommand = /\bCMD\s+(.*)$/.exec(healthcheck?.args ?? '')?.[1] ?? '';
    let server: Server;
    let status = 200;
    let port = 0;

    beforeAll(async () => {
      server = createServer((req, res) => {
        res.writeHead(req.url === '/healthz' ? status : 404).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });

    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    function runCheck(httpPort: number): Promise<number> {
      return new Promise((resolve) => {
        const child = execFile('/bin/sh', ['-c', shellCommand], { env: { PATH: `${join(process.execPath, '..')}:/usr/bin:/bin`, HTTP_PORT: String(httpPort) }, timeout: 20000 });
        child.on('exit', (code) => resolve(code ?? -1));
      });
    }

    it('is a shell-form node command on HTTP_PORT, the port the image exposes', () => {
      expect(shellCommand).toMatch(/^node -e /);
      expect(shellCommand).toContain('/healthz');
      const env = runtime.steps.filter((s) => s.keyword === 'ENV').map((s) => s.args).join(' ');
      const httpPort = /HTTP_PORT=(\d+)/.exec(env)?.[1];
      expect(httpPort).toBeDefined();
      expect(runtime.steps.find((s) => s.keyword === 'EXPOSE')?.args).toBe(httpPort);
      expect(env).toMatch(/HTTP_HOST=0\.0\.0\.0/);
    });

    it('passes when /healthz answers 200, fails on 503 and when nothing listens', async () => {
      status = 200;
      expect(await runCheck(port)).toBe(0);
      status = 503;
      expect(await runCheck(port)).toBe(1);
      const closed = await new Promise<number>((resolve) => {
        const probe = createServer().listen(0, '127.0.0.1', () => {
          const p = (probe.address() as AddressInfo).port;
          probe.close(() => resolve(p));
        });
      });
      expect(await runCheck(closed)).toBe(1);
    });
  });
});
