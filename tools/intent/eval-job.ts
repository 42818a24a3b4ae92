/**
 * Child-process entry of the eval: `tsx tools/intent/eval-job.ts <job> <folds> <modelDir>
 * [<csv> <store>]`; writes the job's {@link JobResult} as JSON on stdout.
 */
import { loadEvalData, runJob } from './eval-jobs.js';
import { useBackend } from './tf-node.js';

async function main(): Promise<void> {
  const [job, folds, modelDir, csv, store] = process.argv.slice(2);
  await useBackend('wasm');
  const r = await runJob(job, Number(folds), modelDir, loadEvalData(csv ? { path: csv, store } : undefined));
  process.stdout.write(JSON.stringify(r));
}

main().catch((e: unknown) => {
  process.stderr.write(`eval job failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
