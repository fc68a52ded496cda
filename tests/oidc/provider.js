// A local OpenID Connect provider (the OpenID-certified `oidc-provider`) for crosstrain's
// sign-in test and `make run-oidc`. Configuration is one JSON file given as the argument:
//   {"port": 9400, "client_id": "...", "client_secret": "...", "redirect_uri": "...",
//    "users": [{"login": "dara", "email": "p082@example.org", "name": "Dara Haddad"}]}
// Its login page takes any of the users' logins (the password is not checked): it stands in
// for a company's identity provider on one machine, and must never face a network.
import { readFileSync } from "node:fs";
import Provider from "oidc-provider";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const issuer = `http://127.0.0.1:${config.port}`;
const users = new Map(config.users.map((user) => [user.login, user]));

const provider = new Provider(issuer, {
  clients: [{
    client_id: config.client_id,
    client_secret: config.client_secret,
    redirect_uris: [config.redirect_uri],
    // Streamlit's st.logout comes back to its callback address.
    post_logout_redirect_uris: [config.redirect_uri, config.redirect_uri.replace(/oauth2callback$/, "")],
    grant_types: ["authorization_code"],
    response_types: ["code"],
  }],
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
  // Streamlit reads who signed in from the ID token (as Okta, Entra ID, Google and Keycloak
  // put email and name there), not from the userinfo endpoint.
  conformIdTokenClaims: false,
  async findAccount(ctx, id) {
    const user = users.get(id);
    if (!user) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: user.email, email_verified: user.email_verified ?? true,
                 name: user.name };
      },
    };
  },
  // The built-in login and consent pages: enough for a test and a demo, never production.
  features: { devInteractions: { enabled: true } },
  cookies: { keys: [config.client_secret] },
});
provider.listen(config.port, "127.0.0.1", () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
