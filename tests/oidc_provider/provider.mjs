// A real OpenID Connect provider for the sign-in tests: panva/oidc-provider (certified), with
// its development login and consent pages, on 127.0.0.1.
//
//   node provider.mjs CONFIG.json
//
// CONFIG.json: {"port": 0, "clients": [{client_id, client_secret, redirect_uris,
// post_logout_redirect_uris}], "accounts": "/path/accounts.json"}. accounts.json maps a login
// name to its claims ({"name", "email", "preferred_username", "groups": [...]}); it is read again
// at every sign-in, so a test changes a user's groups between two logins by rewriting it. Any
// password is accepted (the development login page); an unknown login gets only its "sub".
// Prints "listening on http://127.0.0.1:PORT" once ready; stops on SIGTERM.
import fs from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));

function readAccounts() {
  return JSON.parse(fs.readFileSync(config.accounts, 'utf8'));
}

// Reserve the port first (0: any free one), so the issuer URL names the real port.
const server = http.createServer();
await new Promise((resolve) => server.listen(config.port || 0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: config.clients.map((client) => ({
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    ...client,
  })),
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username'],
    email: ['email', 'email_verified'],
    groups: ['groups'],
  },
  // the scopes' claims go into the ID token too (as Entra ID and Keycloak can be set to do)
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  cookies: { keys: ['oidc-provider-test-cookie-key-not-secret'] },
  async findAccount(_ctx, id) {
    const claims = readAccounts()[id] || {};
    return {
      accountId: id,
      async claims() {
        return { sub: id, ...claims };
      },
    };
  },
});
provider.proxy = false;

server.on('request', provider.callback());
process.on('SIGTERM', () => server.close(() => process.exit(0)));
console.log(`listening on ${issuer}`);
