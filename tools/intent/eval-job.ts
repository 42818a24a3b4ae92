/**
 * Child-process entry of the eval: `tsx tools/intent/eval-job.ts <job> <folds> <modelDir>`;
 * writes the job's {@link JobResult} as JSON on stdout.
 */
import { runJob } from './eval-jobs.js';
import { useBackend } from './tf-node.js';

async function main(): Promise<void> {
  const [job, folds, modelDir] = process.argv.slice(2);
  await useBackend('wasm');
  const r = await runJob(job, Number(folds), modelDir);
  process.stdout.write(JSON.stringify(r));
}

main().catch((e: unknown) => {
  process.stderr.write(`eval job failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
