/**
 * A real hub with a real access gateway for tests: the gateway on a fresh database with the
 * small plant of `src/access/testing` (anna approves, otto operates, sam is Acme's engineer,
 * plc1 in cell1), WebAuthn bound to a test origin, mounted in a hub driven through `inject`.
 */
import type { GatewayOptions } from '../../access/gateway.js';
import { seedPlant, type TestGateway, testGateway } from '../../access/testing/gateway.js';
import type { SoftwareKey } from '../../access/testing/software-key.js';
import type { HubAccess } from '../access-gateway.js';
import type { Hub } from '../context.js';
import { type Client, clientOf, type TestHub, testHub } from './hub.js';

export const HUB_ORIGIN = 'https://hub.plant.test';
export const HUB_RP_ID = 'hub.plant.test';

export interface AccessTestHub extends TestHub {
  access: HubAccess;
  gateway: TestGateway;
}

/**
 * `plc`: where the seeded asset plc1 (Modbus) answers, e.g. a simulator the test started;
 * `options`: more of the gateway's (a clock, authenticator codes); `loginPerMinute`: the hub's
 * per-address sign-in limit.
 */
export async function accessTestHub(
  plc?: { host: string; port: number },
  options: Partial<GatewayOptions> = {},
  loginPerMinute?: number,
): Promise<AccessTestHub> {
  const gateway = await testGateway({
    ...options,
    webauthn: {
      rpId: HUB_RP_ID,
      rpName: 'Lineguard hub',
      origins: [HUB_ORIGIN],
      attestation: 'none',
      hardwareKeysOnly: true,
    },
  });
  try {
    await seedPlant(gateway.gw, plc);
    const access: HubAccess = { gateway: gateway.gw, approverGroup: 'approvers' };
    const hub = await testHub({ access, ...(loginPerMinute !== undefined ? { loginPerMinute } : {}) });
    return {
      ...hub,
      access,
      gateway,
      async close() {
        await hub.close();
        await gateway.cleanup();
      },
    };
  } catch (e) {
    await gateway.cleanup();
    throw e;
  }
}

/** Registers `key` for the signed-in `client`'s user, as the console's My keys page does. */
export async function registerKey(client: Client, key: SoftwareKey, name = 'key'): Promise<void> {
  const start = await client.inject({ method: 'POST', url: '/api/access/keys/register/start', payload: {} });
  const { ceremony, options } = start.json() as { ceremony: string; options: never };
  const res = await client.inject({
    method: 'POST',
    url: '/api/access/keys/register/finish',
    payload: { ceremony, response: key.register(options, HUB_ORIGIN), name },
  });
  if (res.statusCode !== 201) throw new Error(`key registration failed: ${res.statusCode} ${res.body}`);
}

/** A session opened by `key` alone, as the console's "Use a security key" does it. */
export async function keySession(app: Hub, key: SoftwareKey): Promise<Client> {
  const start = await app.inject({ method: 'POST', url: '/api/auth/key/start', payload: {} });
  const { ceremony, options } = start.json() as { ceremony: string; options: never };
  return clientOf(
    app,
    await app.inject({
      method: 'POST',
      url: '/api/auth/key/finish',
      payload: { ceremony, response: key.login(options, HUB_ORIGIN) },
    }),
  );
}
