// A real OpenID Connect provider for Kinerja's tests: oidc-provider on loopback, with a login page
// of its own (so a browser can type a wrong password) and test users carrying NIP claims.
//
// Usage: PORT=0 REDIRECT_URI=http://127.0.0.1:5000/auth/callback \
//        POST_LOGOUT_REDIRECT_URI=http://127.0.0.1:5000/ node server.js
// Prints one JSON line {"issuer": ...} once it listens.
import http from 'node:http';
import { URLSearchParams } from 'node:url';
import Provider from 'oidc-provider';

const CLIENT_ID = process.env.CLIENT_ID || 'kinerja';
const CLIENT_SECRET = process.env.CLIENT_SECRET || 'kinerja-test-secret';
const PASSWORD = process.env.USER_PASSWORD || 'rahasia-sso';

// Test users: login -> claims. NIPs match the employees the tests create.
const USERS = {
  staff: { name: 'Staf SSO', email: 'staff.sso@example.go.id', nip: '198609262015051001', groups: [] },
  admin: { name: 'Admin SSO', email: 'admin.sso@example.go.id', nip: '198811202010011004', groups: ['opd-admin'] },
  outsider: { name: 'Pegawai Disdik', email: 'outsider@example.go.id', nip: '197001011990121001', groups: [] },
  stranger: { name: 'Tanpa Data', email: 'stranger@example.go.id', nip: '199912312024012002', groups: [] },
  kota: { name: 'BKPSDM', email: 'kota@example.go.id', groups: ['bkpsdm-admin'] },
};

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(uid, error) {
  return `<!doctype html><html lang="id"><head><meta charset="utf-8"><title>SSO Uji</title></head>
<body><h1>SSO Uji Kota Medan</h1>${error ? `<p id="error">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label>Nama pengguna <input name="login" id="username" autofocus></label>
<label>Kata sandi <input name="password" id="password" type="password"></label>
<button type="submit" id="submit">Masuk</button></form></body></html>`;
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString());
}

function listen(server, port) {
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server.address().port)));
}

const server = http.createServer();
const port = await listen(server, Number(process.env.PORT || 0));
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    redirect_uris: (process.env.REDIRECT_URI || '').split(',').filter(Boolean),
    post_logout_redirect_uris: (process.env.POST_LOGOUT_REDIRECT_URI || '').split(',').filter(Boolean),
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  pkce: { required: () => true },
  claims: { openid: ['sub'], profile: ['name', 'nip', 'groups'], email: ['email'] },
  conformIdTokenClaims: false, // the ID token carries the NIP, as Keycloak mappers do
  features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ['kinerja-test-idp-cookie-key'] },
  findAccount: async (ctx, id) => (USERS[id] ? {
    accountId: id,
    claims: async () => ({ sub: id, ...USERS[id] }),
  } : undefined),
});
provider.proxy = false;

const callback = provider.callback();
server.on('request', async (req, res) => {
  // Test control only: change a user's groups, as an administrator of the real provider would.
  const groupsChange = req.method === 'POST' && req.url.match(/^\/_test\/groups\/([a-z]+)$/);
  if (groupsChange && USERS[groupsChange[1]]) {
    const form = await readForm(req);
    USERS[groupsChange[1]].groups = form.getAll('group');
    res.writeHead(204);
    return res.end();
  }
  const match = req.url.match(/^\/interaction\/([^/?]+)(\/login)?/);
  if (!match) return callback(req, res);
  try {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name === 'consent') {
      // Kinerja is a first-party client: consent is implied.
      const grant = details.grantId ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
      grant.addOIDCScope(details.params.scope);
      const grantId = await grant.save();
      return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    }
    if (req.method === 'POST' && match[2]) {
      const form = await readForm(req);
      const login = form.get('login');
      if (!USERS[login] || form.get('password') !== PASSWORD) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return res.end(page(details.uid, 'Nama pengguna atau kata sandi salah.'));
      }
      return provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return res.end(page(details.uid));
  } catch (err) {
    res.writeHead(400, { 'content-type': 'text/plain' });
    return res.end(`interaction error: ${err.message}`);
  }
});

process.stdout.write(`${JSON.stringify({ issuer, client_id: CLIENT_ID, client_secret: CLIENT_SECRET })}\n`);
process.on('SIGTERM', () => process.exit(0)); // tests own it: stop at once
