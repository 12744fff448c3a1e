import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileConfig } from '../../lib/config/compiled';
import type { Config } from '../../lib/core/model/config';
import { writeTree } from '../../tools/samples/tree';

/** A minimal valid settings file, for trees that only vary the datasets. */
export const SETTINGS = `timezone: Europe/London
holidays: england-and-wales
sources:
  tis:
    engine: postgres
    resourceArn: arn:aws:rds:eu-west-2:123456789012:cluster:tis
    secretArn: arn:aws:secretsmanager:eu-west-2:123456789012:secret:tis
    database: tis
contacts:
  placements-lead:
    name: Placements data lead
    audience: data-lead
    slack: \${ssm:/stalewatch/slack/placements}
  platform:
    name: Platform team
    audience: platform
notify:
  errorsTo: platform
`;

/** A dataset file with one row count, on the same source: fails when the table is empty (errors when it is gone). */
export const PROGRAMMES = `dataset: programmes
title: Training programmes
source: tis
table: public.programme
owner: placements-lead
impact: Trainees see the wrong programme.
action: Reload the programmes.
checks:
  - name: any programmes
    rowCount:
      failBelow: 1
`;

/** A dataset file with one freshness check. */
export const PLACEMENTS = `dataset: placements
title: Trainee placements
source: tis
table: public.placement
owner: placements-lead
impact: Trainees see out-of-date placement details.
action: Re-run the nightly sync.
checks:
  - name: updated recently
    freshness:
      column: last_modified
      warnAfter: 26h
      failAfter: 50h
`;

/** A row-count check of current placements (fails below 3): what the CLI tests' two rows make fail. */
export const CURRENT_PLACEMENTS_CHECK =
  '  - name: current placements\n    rowCount:\n      where: "status = \'CURRENT\'"\n      failBelow: 3\n';

/** The placements dataset over `<namespace>.placement`, with its freshness check and `extraChecks`. */
export function placementsOver(namespace: string, ...extraChecks: string[]): string {
  return PLACEMENTS.replace('public.placement', `${namespace}.placement`).concat(...extraChecks);
}

export { writeTree } from '../../tools/samples/tree';

/**
 * `config` compiled as `sls package` compiles it (with the days off of `years`), written to a file of its
 * own: what a test points `STALEWATCH_CONFIG_FILE` at.
 */
export function compiledConfigFile(config: Config, years: number[]): string {
  const file = join(writeTree({}), 'compiled.json');
  writeFileSync(file, compileConfig(config, years));
  return file;
}
