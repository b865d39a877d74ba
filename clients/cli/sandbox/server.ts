/**
 * Starting one sandbox server on a free loopback port: write its config,
 * spawn it, wait until it says it is ready and accepts connections, and try
 * another port (a few times) when the chosen one was taken meanwhile.
 */
import { SandboxChild, StartChildOptions } from './child';
import { accepts, freePort } from './ports';

export interface ServerRecipe {
  name: string;
  /** Prepares config for `port` and returns how to start the server. */
  launch(port: number): Omit<StartChildOptions, 'name'>;
  /** Output that means the server is ready. */
  ready: RegExp;
  /** Output that means the port was taken. */
  portTaken: RegExp;
}

export interface RunningServer {
  readonly name: string;
  readonly port: number;
  readonly child: SandboxChild;
}

const ATTEMPTS = 4;
const READY_TIMEOUT_MS = 20000;

export async function startServer(recipe: ServerRecipe): Promise<RunningServer> {
  let lastError = '';
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const port = await freePort();
    const child = new SandboxChild({ name: recipe.name, ...recipe.launch(port) });
    try {
      await child.waitForOutput(recipe.ready, READY_TIMEOUT_MS);
      await waitForListener(child, port);
      return { name: recipe.name, port, child };
    } catch (err) {
      await child.stop(1000);
      lastError = `${err instanceof Error ? err.message : String(err)}\n--- ${recipe.name} output ---\n${child.output().trim()}`;
      if (!recipe.portTaken.test(child.output())) break;
    }
  }
  throw new Error(`could not start ${recipe.name}: ${lastError}`);
}

async function waitForListener(child: SandboxChild, port: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await accepts(port))) {
    if (child.exitInfo) throw new Error(`${child.name} exited before accepting connections on port ${port}`);
    if (Date.now() > deadline) throw new Error(`${child.name} did not accept connections on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
