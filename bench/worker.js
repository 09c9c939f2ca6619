// One benchmark candidate in its own worker thread (issue 8), started by
// `startWorkers` (common.js). workerData: { suite, name, pairs } — the suite's
// module is bench/<suite>-candidates.js, `name` is one of its `candidates`
// (or of its untimed `checks`), `pairs` the [corpus, chunking] contexts.
//
// The worker builds its own contexts (the corpus generators are
// deterministic), checks its candidate's result against the generator's truth
// on every context, and posts { ready, failures, notes, contexts }. A
// candidate that passed then waits for the index of a context to run once,
// and answers { wall, cpu } in ms, or { error }. A check posts and exits.
//
// Wall and CPU time are taken here, around the run alone: the postMessage
// that asked for it and the one that answers are outside both. CPU time is
// `process.cpuUsage()` (Node 20 has no per-thread CPU clock): the whole
// process, user + system, including V8's GC helper threads. The main thread
// asks one worker at a time and idles in the meantime, as do the other
// workers, so the process's CPU time during a run is this run's.
import { parentPort, workerData } from "node:worker_threads";

const { suite, name, pairs } = workerData;
const { setup, candidates, compare, checks = [] } = await import(`./${suite}-candidates.js`);
const candidate = candidates.find((c) => c.name === name);
const check = candidate ? null : checks.find((c) => c.name === name);
if (!candidate && !check) throw new Error(`${suite}-candidates.js has no candidate or check named ${JSON.stringify(name)}`);

const contexts = pairs.map(([key, label]) => setup(key, label));
const failures = [];
const notes = [];
for (const ctx of contexts) {
  const where = `[${ctx.key}, ${ctx.label}]`;
  try {
    if (candidate) {
      const got = await candidate.run(ctx);
      if (!candidate.floor) for (const p of compare(got, ctx.truth)) failures.push(`${name} ${where}: ${p}`);
    } else {
      const result = await check.run(ctx);
      for (const p of result.problems) failures.push(`${name} ${where}: ${p}`);
      for (const n of result.notes) notes.push(`${name} ${where}: ${n}`);
    }
  } catch (error) {
    failures.push(`${name}${check ? " checks" : ""} ${where} threw: ${error?.stack ?? error}`);
  }
}
const described = contexts.map(({ key, label, bytes, chunks, events }) => ({ key, label, bytes, chunks, events: events.length }));
parentPort.postMessage({ ready: true, failures, notes, contexts: described });

if (candidate && !failures.length) {
  parentPort.on("message", async (index) => {
    const ctx = contexts[index];
    try {
      const cpuStart = process.cpuUsage();
      const start = performance.now();
      await candidate.run(ctx);
      const wall = performance.now() - start;
      const { user, system } = process.cpuUsage(cpuStart);
      parentPort.postMessage({ wall, cpu: (user + system) / 1000 });
    } catch (error) {
      parentPort.postMessage({ error: `${name} [${ctx.key}, ${ctx.label}] threw while timed: ${error?.stack ?? error}` });
    }
  });
}
