import { awsDoctorPorts } from '../../../adapters/aws/doctor';
import { runDoctor } from '../../../app/doctor';
import { loadConfig } from '../../../config/load';
import { formatFindings } from '../../../core/doctor/findings';
import { type CliIo, EXIT } from '../io';

/** `stalewatch doctor`'s options. */
export interface DoctorFlags {
  checks: string;
  stage: string;
  region?: string;
}

/** The region serverless.yml deploys to when `--region` is not given. */
export const DEFAULT_REGION = 'eu-west-2';

/**
 * `stalewatch doctor`: checks what the deployment of `--stage` needs, one line each, `ok` or what to
 * do; exit 0 when all is ok, 1 when something is to do.
 */
export async function doctorCommand(io: CliIo, flags: DoctorFlags): Promise<number> {
  const config = await loadConfig({ dir: flags.checks, env: io.env });
  const region = flags.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION ?? DEFAULT_REGION;
  const ports = awsDoctorPorts(io.env, region);
  try {
    const findings = await runDoctor(config, ports, { stage: flags.stage, region });
    io.stdout.write(formatFindings(findings));
    return findings.every((f) => f.ok) ? EXIT.ok : EXIT.failing;
  } finally {
    ports.close();
  }
}
