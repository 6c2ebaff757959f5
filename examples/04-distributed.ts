/**
 * A deconvolution-shaped job on a local "cluster": starts Debian's redis-server on 127.0.0.1
 * (a free port), two `chunkwise worker` processes, and runs Richardson-Lucy over a small
 * (channel, time, z, y, x) stack through `distributed(...)`; the result is byte-identical to
 * the inline executor's. Client and workers share a task key (a file made here, as
 * `openssl rand -hex 32 > task.key` would): workers run only tasks signed with it.
 * Needs `apt-get install -y redis-server`.
 *
 * Run: npx tsx examples/04-distributed.ts
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compute, fromArray, gufunc, inline } from "chunkwise";
import { distributed } from "chunkwise/distributed";
import { richardsonLucy } from "chunkwise/filters";
import { gaussianPsf, syntheticStack } from "../src/cli/demo-data/index.js";

const repo = fileURLToPath(new URL("../", import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Starts a process and resolves once its output matches `ready`. */
function start(cmd: string, args: string[], ready: RegExp): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: repo, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (ready.test(out)) resolve(child);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("error", (e) => reject(new Error(`${cmd} could not start (${e.message}); install it with apt-get install -y redis-server`)));
    child.once("exit", (code) => reject(new Error(`${cmd} exited with ${code}:\n${out}`)));
  });
}

const port = await freePort();
const redisUrl = `redis://127.0.0.1:${port}`;
const scratch = mkdtempSync(join(tmpdir(), "chunkwise-example-scratch-"));
const keyFile = join(scratch, "task.key");
writeFileSync(keyFile, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600 });
const processes: ChildProcess[] = [];
try {
  processes.push(await start("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], /Ready to accept connections/));
  const workerArgs = ["--import", "tsx", "src/cli/main.ts", "worker", "--redis", redisUrl, "--task-key-file", keyFile, "--scratch", scratch, "--concurrency", "1"];
  processes.push(...(await Promise.all([0, 1].map(() => start(process.execPath, workerArgs, /listening on/)))));
  console.log(`redis-server on ${redisUrl}, two chunkwise workers`);

  // A small recorded stack (2 channels x 2 time points of 16x48x48) and one PSF per channel.
  const data = syntheticStack({ channels: 2, timepoints: 2, shape: [16, 48, 48], seed: 3, psf: "gaussian", psfShape: [7, 9, 9] });
  const imgs = fromArray(data.noisy, { chunks: [1, 1, 16, 48, 48] }).astype("float32");
  const psf = fromArray(gaussianPsf([7, 9, 9], [1.5, 1, 1]), { chunks: -1 });
  const deconvolve = gufunc("(i,j,k),(a,b,c)->(i,j,k)", richardsonLucy, {
    params: { iterations: 10, init: "image", boundary: "neumann", clip: false },
    outputDtypes: "float32",
  });
  const out = deconvolve(imgs, psf);

  const executor = distributed({ connection: redisUrl, taskKey: readFileSync(keyFile), scratchDir: scratch });
  const t0 = performance.now();
  const onCluster = await compute(out, { executor, onProgress: ({ done, total }) => process.stdout.write(`\r  ${done}/${total} tasks`) });
  const clusterMs = performance.now() - t0;
  await executor.close();
  const local = await compute(out, { executor: inline() });
  const same = Buffer.compare(Buffer.from(onCluster.data.buffer, onCluster.data.byteOffset, onCluster.data.byteLength), Buffer.from(local.data.buffer, local.data.byteOffset, local.data.byteLength)) === 0;
  console.log(`\ndeconvolved ${out.shape.join("x")} on 2 workers in ${(clusterMs / 1000).toFixed(1)} s; byte-identical to inline: ${same}`);
  if (!same) throw new Error("distributed result differs from inline");
} finally {
  for (const p of processes.reverse()) p.kill("SIGTERM");
  rmSync(scratch, { recursive: true, force: true });
}
