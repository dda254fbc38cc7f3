// A real OpenID Connect provider (node's oidc-provider) for the single sign-on browser
// test: `node provider.mjs PORT REDIRECT_URI`. Its development login accepts any
// password; the login name picks one of the accounts below, whose "groups" claim the
// app maps to roles. Test use only: it listens on 127.0.0.1 and keeps nothing.
import Provider from "oidc-provider";

const [port, redirectUri] = [Number(process.argv[2]), process.argv[3]];
const ACCOUNTS = {
  tanaka: { email: "tanaka@example.co.jp", given_name: "太郎", family_name: "田中", groups: ["dd-managers"] },
  suzuki: { email: "suzuki@example.co.jp", given_name: "花子", family_name: "鈴木", groups: ["dd-staff", "all-employees"] },
  sato: { email: "sato@example.co.jp", given_name: "次郎", family_name: "佐藤", groups: ["all-employees"] },
};

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    {
      client_id: "duediligence",
      client_secret: "duediligence-test-secret",
      redirect_uris: [redirectUri],
      token_endpoint_auth_method: "client_secret_post",
      grant_types: ["authorization_code"],
      response_types: ["code"],
    },
  ],
  scopes: ["openid", "email", "profile", "groups"],
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["given_name", "family_name", "preferred_username"],
    groups: ["groups"],
  },
  async findAccount(ctx, id) {
    const account = ACCOUNTS[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, preferred_username: id, email_verified: true, ...account };
      },
    };
  },
  features: { devInteractions: { enabled: true } },
});
provider.listen(port, "127.0.0.1", () => console.log(`ready ${port}`));
