/**
 * Runs the real `jingwu start` in a child process (for crash tests and benchmarks): returns its URL once it
 * listens, and lets the caller kill it (SIGKILL simulates a crash).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface SpawnedApp {
  url: string;
  process: ChildProcess;
  /** Everything the child printed so far (stdout + stderr), for failure messages. */
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts the platform with the given environment (PORT=0 picks a free port) and waits until it listens. */
export async function spawnApp(env: Record<string, string>, timeoutMs = 120_000): Promise<SpawnedApp> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'start'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`app did not start within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /running at (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`app exited with ${code} before listening:\n${out}`));
    });
  });
  return {
    url,
    process: child,
    output: () => out,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}
