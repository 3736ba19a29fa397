// `clusterlink-webhook certs`: make the webhook's serving certificate by hand (docs/install.md certs/), and print
// the caBundle a webhook configuration needs.
//   certs generate --service <svc> --namespace <ns> [--dns-name <name>]... [--out-dir <dir>] [--days <n>]
//                  [--ca-cert-file <f> --ca-key-file <f>]   (sign with an existing CA: rotation keeps caBundle)
//   certs ca-bundle --ca-file <f>
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseCommandLine, type FlagOptions, type ParsedFlags } from './args.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { processIO, type CliIO } from './io.js';
import { isDns1123Label } from '../clusterlink/metadata.js';
import { caBundleBase64, writeCertificateFiles, type CertificateMaterial } from '../tls/files.js';
import { generateCertificateAuthority, generateServingCertificate, serviceDnsNames } from '../tls/generate.js';

function certsUsage(): string {
  return [
    'Usage:',
    '  clusterlink-webhook certs generate --service <svc> --namespace <ns> [flags]',
    '      Makes a CA and a serving certificate for the Service (SANs: <svc>, <svc>.<ns>, <svc>.<ns>.svc,',
    '      <svc>.<ns>.svc.cluster.local, plus --dns-name values) and writes ca.crt, tls.crt, tls.key (PKCS#8),',
    '      and ca.key when a new CA is made.',
    '      --dns-name <name>       extra DNS name or IP address (repeatable)',
    '      --out-dir <dir>         where to write the files (default: current directory)',
    '      --days <n>              validity of the serving certificate in days (default 365)',
    '      --ca-days <n>           validity of a new CA in days (default 3650)',
    '      --ca-cert-file <file>   sign with this existing CA instead of making one (with --ca-key-file);',
    '      --ca-key-file <file>    the caBundle then stays the same across rotations',
    '  clusterlink-webhook certs ca-bundle --ca-file <file>',
    '      Prints the base64 caBundle value for the webhook configurations.',
  ].join('\n');
}

class UsageError extends Error {}

/** Flags through the commands' one parser; a wrong command line is a UsageError (certs prints its usage then). */
function flagsOf<T extends FlagOptions>(argv: string[], options: T): ParsedFlags<T> {
  const parsed = parseCommandLine(argv, options);
  if (!parsed.ok) throw new UsageError(parsed.message);
  return parsed.line.values;
}

const GENERATE_FLAGS = {
  service: { type: 'string' },
  namespace: { type: 'string' },
  'dns-name': { type: 'string', multiple: true },
  'out-dir': { type: 'string' },
  days: { type: 'string' },
  'ca-days': { type: 'string' },
  'ca-cert-file': { type: 'string' },
  'ca-key-file': { type: 'string' },
} as const;

function positiveInt(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw new UsageError(`--${flag}: "${text}" is not a positive number of days`);
  return Number(text);
}

async function generate(argv: string[], io: CliIO): Promise<number> {
  const values = flagsOf(argv, GENERATE_FLAGS);
  const { service, namespace } = values;
  if (!service || !namespace) throw new UsageError('--service and --namespace are required');
  if (!isDns1123Label(service))
    throw new UsageError(`--service: "${service}" is not a valid Service name (DNS-1123 label)`);
  if (!isDns1123Label(namespace))
    throw new UsageError(`--namespace: "${namespace}" is not a valid namespace name (DNS-1123 label)`);
  const days = positiveInt(values.days, 'days', 365);
  const caDays = positiveInt(values['ca-days'], 'ca-days', 3650);
  if ((values['ca-cert-file'] === undefined) !== (values['ca-key-file'] === undefined))
    throw new UsageError('--ca-cert-file and --ca-key-file go together');

  let caKeyPemToWrite: string | undefined;
  let ca;
  if (values['ca-cert-file'] !== undefined && values['ca-key-file'] !== undefined) {
    ca = {
      certPem: await readFile(values['ca-cert-file'], 'utf8'),
      keyPem: await readFile(values['ca-key-file'], 'utf8'),
    };
  } else {
    ca = generateCertificateAuthority({ commonName: `${service}.${namespace}-ca`, days: caDays });
    caKeyPemToWrite = ca.keyPem;
  }
  const hosts = [...serviceDnsNames(service, namespace), ...(values['dns-name'] ?? [])];
  const serving = generateServingCertificate({ hosts, ca, days });
  const material: CertificateMaterial = { caPem: ca.certPem, certPem: serving.certPem, keyPem: serving.keyPem };
  if (caKeyPemToWrite !== undefined) material.caKeyPem = caKeyPemToWrite;
  const files = await writeCertificateFiles(resolve(values['out-dir'] ?? '.'), material);
  const notAfter = new X509Certificate(serving.certPem).validTo;
  const lines = [
    `wrote ${files.caFile}`,
    `wrote ${files.certFile} (SANs: ${[...new Set(hosts)].join(', ')}; valid until ${notAfter})`,
    `wrote ${files.keyFile} (PKCS#8)`,
  ];
  if (files.caKeyFile) lines.push(`wrote ${files.caKeyFile} (keep it private; needed to rotate with the same CA)`);
  lines.push(`caBundle: ${caBundleBase64(ca.certPem)}`);
  io.stdout.write(`${lines.join('\n')}\n`);
  return EXIT_OK;
}

async function caBundle(argv: string[], io: CliIO): Promise<number> {
  const values = flagsOf(argv, { 'ca-file': { type: 'string' } } as const);
  const file = values['ca-file'];
  if (!file) throw new UsageError('--ca-file is required');
  const pem = await readFile(file, 'utf8');
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new UsageError(`${file} holds no PEM certificate`);
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch {
      throw new UsageError(`${file} holds a certificate that does not parse`);
    }
  }
  io.stdout.write(`${caBundleBase64(`${blocks.join('\n')}\n`)}\n`);
  return EXIT_OK;
}

export async function run(argv: string[], io: CliIO = processIO()): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    if (sub === 'generate') return await generate(rest, io);
    if (sub === 'ca-bundle') return await caBundle(rest, io);
    if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
      io.stdout.write(`${certsUsage()}\n`);
      return sub === undefined ? EXIT_USAGE : EXIT_OK;
    }
    throw new UsageError(`unknown subcommand "${sub}"`);
  } catch (err) {
    const usage = err instanceof UsageError;
    io.stderr.write(`certs: ${(err as Error).message}\n${usage ? `\n${certsUsage()}\n` : ''}`);
    return usage ? EXIT_USAGE : EXIT_FAILED;
  }
}
