/**
 * A client certificate for one of your devices, right after a security-key sign-in: the device
 * makes its key pair and request (PKCS#10), the gateway's CA signs it for at most 8 hours,
 * bound to the user and the device, its MFA record the key sign-in. Only a session opened by a
 * key in the last few minutes gets one (fail closed); the CA audits each issue.
 */
import { signedIn } from '../access.js';
import type { HubAccess } from '../access-gateway.js';
import { CertificateBody, IssuedCertificate } from '../access-schemas.js';
import { type Hub, problems } from '../context.js';
import { HubError } from '../errors.js';
import type { KeyLogins } from '../key-logins.js';

export function accessCertificateRoutes(app: Hub, access: HubAccess, keyLogins: KeyLogins): void {
  const gw = access.gateway;
  const minutes = keyLogins.freshMinutes;

  app.post(
    '/api/access/certificates',
    {
      config: { access: 'session' },
      schema: {
        summary: `A client certificate for your device, within ${minutes} minutes of a security-key sign-in`,
        body: CertificateBody,
        response: { 201: IssuedCertificate, ...problems },
      },
    },
    async (req, reply) => {
      const { user, session } = signedIn(req);
      const login = keyLogins.fresh(session.id, user.name);
      if (login === undefined)
        throw new HubError(
          'LG_FORBIDDEN',
          `a certificate needs a security-key sign-in in the last ${minutes} minutes: sign in with your key again`,
        );
      const { device, csr } = req.body;
      const known = gw.directory.device(device);
      if (known !== undefined && known.user !== login.user)
        throw new HubError('LG_FORBIDDEN', `device: ${device} is another user's device`);
      if (known === undefined) {
        // Checked before the new device is added, so a bad request leaves no device behind.
        await gw.ca.checkCsr(csr);
        await gw.directory.addDevice({ id: device, user: login.user, name: device }, login.user);
      }
      const rec = await gw.issueAfterLogin(login, device, csr);
      return reply.code(201).send({
        serial: rec.serial,
        fingerprint: rec.fingerprint,
        user: login.user,
        device,
        notBefore: rec.notBefore,
        notAfter: rec.notAfter,
        pem: `${rec.pem.trimEnd()}\n${gw.ca.certPem.trimEnd()}\n`,
      });
    },
  );
}
