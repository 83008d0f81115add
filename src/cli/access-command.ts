/**
 * `lineguard access explain`: why the gateway would allow or deny a request now, naming the
 * policies that decided, the grant that covered it (or why none did) and the context Cedar saw.
 */
import { isIP } from 'node:net';
import { type Command, InvalidArgumentError } from '@commander-js/extra-typings';
import { EXIT } from './exit.js';

export interface Out {
  write(s: string): unknown;
}

export interface ExplainFlags {
  user: string;
  action: string;
  asset: string;
  source: string;
  at?: string;
  mfaAge?: number;
  mfaMethod?: string;
  target?: string;
  unit?: number;
  db?: string;
  json?: boolean;
}

export const DB_HELP = 'gateway database (default ./lineguard-access.db; env LINEGUARD_ACCESS_DB)';

export function accessDbPath(flag: string | undefined): string {
  return flag ?? process.env.LINEGUARD_ACCESS_DB ?? 'lineguard-access.db';
}

function wholeNumber(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
}

export function registerAccessCommands(program: Command): void {
  const access = program.command('access').description('The zero-trust access gateway');
  access
    .command('explain')
    .description('Why a request would be allowed or denied, naming the policies that decided')
    .requiredOption('--user <id>', 'the user making the request')
    .requiredOption('--action <action>', 'connect, modbus:read, modbus:write, s7:program, …')
    .requiredOption('--asset <id>', 'the asset it is made on')
    .option('--source <ip>', 'source address of the connection', '127.0.0.1')
    .option('--at <time>', 'when (ISO 8601; default now)')
    .option(
      '--mfa-age <minutes>',
      'minutes since the user last proved themselves (default: no MFA)',
      wholeNumber,
    )
    .option('--mfa-method <method>', 'webauthn (phishing-resistant, default) or totp')
    .option('--target <space:start-end>', 'what the operation touches, e.g. holding:0-9 or DB1:0-15')
    .option('--unit <n>', 'Modbus unit id', wholeNumber)
    .option('--db <file>', DB_HELP)
    .option('--json', 'print the explanation as JSON')
    .action(async (flags) => {
      process.exitCode = await runExplain(flags, { stdout: process.stdout, stderr: process.stderr });
    });
}

export async function runExplain(flags: ExplainFlags, io: { stdout: Out; stderr: Out }): Promise<number> {
  const { isAction } = await import('../access/policy/actions.js');
  const usage = (m: string) => {
    io.stderr.write(`lineguard access explain: ${m}\n`);
    return EXIT.usage;
  };
  if (!isAction(flags.action))
    return usage(`--action ${flags.action}: not an action (connect, modbus:read, s7:write, …)`);
  if (isIP(flags.source) === 0) return usage(`--source ${flags.source}: not an IP address`);
  const at = flags.at === undefined ? Date.now() : Date.parse(flags.at);
  if (Number.isNaN(at)) return usage(`--at ${flags.at}: not an ISO 8601 time`);
  if (flags.mfaMethod !== undefined && flags.mfaMethod !== 'webauthn' && flags.mfaMethod !== 'totp')
    return usage(`--mfa-method ${flags.mfaMethod}: webauthn or totp`);
  let target: { unit: number; space: string; start: number; end: number } | undefined;
  if (flags.target !== undefined || flags.unit !== undefined) {
    const m = /^([A-Za-z0-9_-]+):(\d+)(?:-(\d+))?$/.exec(flags.target ?? '');
    if (flags.target !== undefined && m === null)
      return usage(`--target ${flags.target}: expected space:start-end`);
    const start = m ? Number(m[2]) : -1;
    const end = m ? Number(m[3] ?? m[2]) : -1;
    if (end < start) return usage(`--target ${flags.target}: the range ends before it starts`);
    target = { unit: flags.unit ?? -1, space: m?.[1] ?? '', start, end };
  }
  const { openAccessState, closeAccessState } = await import('../access/state.js');
  const { AccessError } = await import('../access/errors.js');
  let state: Awaited<ReturnType<typeof openAccessState>>;
  try {
    state = await openAccessState({ dbPath: accessDbPath(flags.db), mustExist: true, clock: () => at });
  } catch (e) {
    if (e instanceof AccessError) {
      io.stderr.write(`lineguard access explain: ${e.detail}\n`);
      return EXIT.input;
    }
    throw e;
  }
  try {
    const x = state.decider.explain(
      {
        user: flags.user,
        action: flags.action,
        asset: flags.asset,
        source: flags.source,
        ...(flags.mfaAge !== undefined
          ? { mfa: { at: at - flags.mfaAge * 60_000, phishingResistant: flags.mfaMethod !== 'totp' } }
          : {}),
        ...(target !== undefined ? { target } : {}),
      },
      at,
    );
    if (flags.json) {
      io.stdout.write(
        `${JSON.stringify(
          {
            decision: x.decision.allow ? 'allow' : 'deny',
            reasons: x.decision.reasons,
            policies: x.determining.map((p) => ({
              id: p.id,
              effect: p.effect,
              reason: p.reason ?? null,
              text: p.text,
            })),
            grant: x.decision.grant ?? null,
            errors: x.decision.errors,
            policyVersion: state.policies.version,
            at: new Date(at).toISOString(),
            context: x.context,
          },
          null,
          2,
        )}\n`,
      );
      return EXIT.ok;
    }
    const d = x.decision;
    const lines = [
      `${d.allow ? 'ALLOW' : 'DENY'}  ${flags.user} → ${flags.action} on ${flags.asset} from ${flags.source} at ${new Date(at).toISOString()}`,
      `reasons: ${d.reasons.join(', ')}`,
    ];
    if (x.determining.length === 0)
      lines.push('determining policies: none (default deny: no policy permits this)');
    else {
      lines.push('determining policies:');
      for (const p of x.determining) {
        lines.push(
          `  ${p.id} (${p.effect}${p.reason ? `, reason ${p.reason}` : ''}${p.system ? ', built in' : ''})`,
        );
        for (const l of p.text.split('\n')) lines.push(`    ${l}`);
      }
    }
    lines.push(`grant: ${d.grant ?? 'none active for this request'}`);
    for (const e of d.errors) lines.push(`policy error in ${e.policy || 'request'}: ${e.message}`);
    lines.push(`policy version ${state.policies.version}`);
    io.stdout.write(`${lines.join('\n')}\n`);
    return EXIT.ok;
  } finally {
    await closeAccessState(state);
  }
}
