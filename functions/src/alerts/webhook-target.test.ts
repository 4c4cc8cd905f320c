import { describe, expect, it } from 'vitest';
import {
  addressProblem,
  checkedAddresses,
  EMULATOR_POLICY,
  PRODUCTION_POLICY,
  TargetRefused,
  urlProblem,
  type Resolver,
} from './webhook-target.js';

const NOT_PUBLIC = [
  '10.0.0.1',
  '10.255.255.255',
  '172.16.0.1',
  '172.31.255.254',
  '192.168.1.1',
  '169.254.169.254',
  '100.64.0.1',
  '0.0.0.0',
  '224.0.0.1',
  '255.255.255.255',
  '198.18.0.1',
  '::',
  'fc00::1',
  'fd12:3456::1',
  'fe80::1',
  'ff02::1',
  '::ffff:10.0.0.1',
  '::ffff:169.254.169.254',
  '64:ff9b::a00:1',
  '2002:a00:1::1',
];
const PUBLIC = [
  '8.8.8.8',
  '1.1.1.1',
  '172.32.0.1',
  '100.128.0.1',
  '2606:4700:4700::1111',
  '2a00:1450:4001::1',
];

describe('addresses', () => {
  it.each(NOT_PUBLIC)('refuses %s everywhere', (address) => {
    expect(addressProblem(address, PRODUCTION_POLICY)).not.toBeNull();
    expect(addressProblem(address, EMULATOR_POLICY)).not.toBeNull();
  });

  it.each(PUBLIC)('accepts the public %s', (address) => {
    expect(addressProblem(address, PRODUCTION_POLICY)).toBeNull();
  });

  it('accepts loopback in the emulator only', () => {
    for (const address of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) {
      expect(addressProblem(address, PRODUCTION_POLICY)).toBe('a loopback address');
      expect(addressProblem(address, EMULATOR_POLICY)).toBeNull();
    }
  });
});

describe('webhook URLs', () => {
  it('accepts https to a public name or address in production', () => {
    for (const url of [
      'https://hooks.example.com/keymeter',
      'https://8.8.8.8:8443/x',
      'https://[2606:4700::1]/',
    ])
      expect(urlProblem(url, PRODUCTION_POLICY), url).toBeNull();
  });

  it('refuses http, other schemes, credentials, loopback and private literals in production', () => {
    for (const url of [
      'http://hooks.example.com/keymeter',
      'ftp://hooks.example.com/',
      'https://user:pass@hooks.example.com/',
      'https://localhost/hook',
      'https://api.localhost/hook',
      'https://127.0.0.1/hook',
      'https://[::1]/hook',
      'https://10.1.2.3/hook',
      'https://169.254.169.254/latest/meta-data',
      'https://[::ffff:a9fe:a9fe]/',
      'https://[fe80::1]/',
      'not a url',
    ])
      expect(urlProblem(url, PRODUCTION_POLICY), url).not.toBeNull();
  });

  it('accepts http to this machine in the emulator, and nothing else over http', () => {
    for (const url of ['http://127.0.0.1:4567/hook', 'http://localhost:9000/', 'http://[::1]:80/'])
      expect(urlProblem(url, EMULATOR_POLICY), url).toBeNull();
    for (const url of ['http://hooks.example.com/', 'http://10.0.0.1/', 'https://192.168.0.1/'])
      expect(urlProblem(url, EMULATOR_POLICY), url).not.toBeNull();
  });
});

describe('what a name resolves to, checked when sending', () => {
  const resolvingTo =
    (...addresses: string[]): Resolver =>
    () =>
      Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));

  it('returns the addresses when every one is public', async () => {
    expect(
      await checkedAddresses('hooks.example.com', PRODUCTION_POLICY, resolvingTo('93.184.216.34')),
    ).toEqual([{ address: '93.184.216.34', family: 4 }]);
  });

  it('refuses a name that resolves to a private address, even beside a public one, without saying which', async () => {
    for (const resolve of [resolvingTo('10.0.0.5'), resolvingTo('93.184.216.34', '169.254.169.254')]) {
      const refused = checkedAddresses('rebound.example.com', PRODUCTION_POLICY, resolve);
      await expect(refused).rejects.toBeInstanceOf(TargetRefused);
      await expect(refused).rejects.toMatchObject({ reason: 'refused' });
      await expect(refused).rejects.not.toThrow(/10\.0\.0\.5|169\.254/);
    }
  });

  it('refuses loopback answers in production and accepts them in the emulator', async () => {
    await expect(
      checkedAddresses('sneaky.example.com', PRODUCTION_POLICY, resolvingTo('127.0.0.1')),
    ).rejects.toThrow(TargetRefused);
    expect(await checkedAddresses('localhost', EMULATOR_POLICY, resolvingTo('127.0.0.1'))).toHaveLength(1);
  });

  it('tells a name that does not resolve apart from a refused one', async () => {
    const failing: Resolver = () => Promise.reject(new Error('ENOTFOUND'));
    await expect(checkedAddresses('nowhere.example.com', PRODUCTION_POLICY, failing)).rejects.toMatchObject({
      reason: 'unresolved',
    });
    await expect(
      checkedAddresses('empty.example.com', PRODUCTION_POLICY, resolvingTo()),
    ).rejects.toMatchObject({
      reason: 'unresolved',
    });
  });
});
