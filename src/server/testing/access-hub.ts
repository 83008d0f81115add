/**
 * A real hub with a real access gateway for tests: the gateway on a fresh database with the
 * small plant of `src/access/testing` (anna approves, otto operates, sam is Acme's engineer,
 * plc1 in cell1), WebAuthn bound to a test origin, mounted in a hub driven through `inject`.
 */
import type { GatewayOptions } from '../../access/gateway.js';
import { seedPlant, type TestGateway, testGateway } from '../../access/testing/gateway.js';
import type { HubAccess } from '../access-gateway.js';
import { type TestHub, testHub } from './hub.js';

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
