/**
 * Where a webhook may point. An account holder chooses the URL and our servers send to it, so
 * an unchecked URL would let anyone make Keymeter call its own network (the metadata server at
 * 169.254.169.254, services on 10.x) — server-side request forgery. So: https only, and never a
 * loopback, private, link-local or otherwise reserved address. The host's name is checked at
 * registration, and every delivery checks the addresses it resolves to at that moment and
 * connects only to those (webhook-send.ts), so a name re-pointed after registration (DNS
 * rebinding) is refused too. The emulator also accepts http:// to this machine, where tests
 * run their receivers.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { isEmulator } from '../lib/runtime.js';

export interface TargetPolicy {
  /** http:// and https:// to 127.0.0.0/8, ::1 and localhost (the emulator's receivers). */
  allowLoopback: boolean;
}

export const PRODUCTION_POLICY: TargetPolicy = { allowLoopback: false };
export const EMULATOR_POLICY: TargetPolicy = { allowLoopback: true };

export function currentPolicy(): TargetPolicy {
  return isEmulator() ? EMULATOR_POLICY : PRODUCTION_POLICY;
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/**
 * Every range that is not the public internet (IANA special-purpose registries). BlockList
 * checks an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) against the IPv4 ranges, so those need
 * no entry of their own.
 */
const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['169.254.0.0', 16], // link-local, cloud metadata servers
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['64:ff9b::', 96], // NAT64, the same
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23], // IETF protocol assignments (Teredo, ORCHID…)
  ['2001:db8::', 32],
  ['2002::', 16], // 6to4 embeds an IPv4 address
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10],
  ['ff00::', 8], // multicast
] as const)
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');

export class TargetRefused extends Error {
  constructor(
    message: string,
    /** `unresolved`: the name has no address now (it may have one later); else it is refused. */
    readonly reason: 'refused' | 'unresolved' = 'refused',
  ) {
    super(message);
    this.name = 'TargetRefused';
  }
}

/** Why Keymeter will not send to this IP address, or null. */
export function addressProblem(address: string, policy: TargetPolicy): string | null {
  const family = isIP(address);
  if (family === 0) return 'not an IP address';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (LOOPBACK.check(address, type)) return policy.allowLoopback ? null : 'a loopback address';
  if (NOT_PUBLIC.check(address, type)) return 'a private, link-local or reserved address';
  return null;
}

function bareHost(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

function isLoopbackName(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

/**
 * Why this URL is refused as a webhook, from the URL alone, or null. What its name resolves to
 * is checked when sending (`checkedAddresses`).
 */
export function urlProblem(raw: string, policy: TargetPolicy): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not a URL';
  }
  if (url.username !== '' || url.password !== '') return 'a webhook URL carries no credentials';
  const host = bareHost(url);
  const literal = isIP(host) !== 0;
  const loopback = literal ? LOOPBACK.check(host, isIP(host) === 4 ? 'ipv4' : 'ipv6') : isLoopbackName(host);
  if (url.protocol === 'http:' && !(policy.allowLoopback && loopback))
    return policy.allowLoopback ? 'http:// is only for this machine; use https://' : 'use https://';
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'use https://';
  if (loopback && !policy.allowLoopback) return 'the URL points to this machine (loopback)';
  if (literal) {
    const problem = addressProblem(host, policy);
    if (problem !== null) return `the URL points to ${problem}`;
  }
  return null;
}

export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

/**
 * The addresses `hostname` resolves to now, each one allowed; throws TargetRefused if any is not
 * (the refusal does not say which address: that would tell a caller about our network).
 */
export async function checkedAddresses(
  hostname: string,
  policy: TargetPolicy,
  resolve: Resolver = systemResolver,
): Promise<{ address: string; family: number }[]> {
  const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  if (isIP(host) !== 0) {
    const problem = addressProblem(host, policy);
    if (problem !== null) throw new TargetRefused(`refused: the URL points to ${problem}`);
    return [{ address: host, family: isIP(host) }];
  }
  if (isLoopbackName(host) && !policy.allowLoopback)
    throw new TargetRefused('refused: the URL points to this machine (loopback)');
  let addresses: { address: string; family: number }[];
  try {
    addresses = await resolve(host);
  } catch {
    throw new TargetRefused(`could not resolve ${host}`, 'unresolved');
  }
  if (addresses.length === 0) throw new TargetRefused(`could not resolve ${host}`, 'unresolved');
  for (const { address } of addresses) {
    const problem = addressProblem(address, policy);
    if (problem !== null) throw new TargetRefused(`refused: ${host} resolves to ${problem}`);
  }
  return addresses;
}
