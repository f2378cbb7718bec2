package catalog

// The provider catalog. Every fact about a provider carries, in a comment
// beside it, the public page it was checked against; a fact no page
// confirmed is marked "unverified:" with what was assumed. Pages were read
// in the provider's current documentation, or where that was not
// reachable, in the provider's own SDK or API description (named).

// Console pages, for settings' Where and the guides.
const (
	githubConsole    = "GitHub → Settings → Developer settings → OAuth Apps → your app (https://github.com/settings/developers)"
	googleConsole    = "Google Cloud console → APIs & Services → Credentials → your OAuth client (https://console.cloud.google.com/apis/credentials)"
	microsoftConsole = "Microsoft Entra admin center → App registrations → your app (https://entra.microsoft.com): Overview shows the client ID, Certificates & secrets makes the secret"
	gitlabConsole    = "GitLab → Edit profile → Applications → your application (https://gitlab.com/-/user_settings/applications, or the same path on your instance)"
	auth0Console     = "Auth0 Dashboard → Applications → your application → Settings (https://manage.auth0.com/)"
	oktaConsole      = "Okta Admin Console → Applications → your app → General (https://ORG-admin.okta.com)"
	keycloakConsole  = "Keycloak admin console → your realm → Clients → your client (UPSTREAM_BASE_URL/admin/): Settings shows the client ID, Credentials the secret"
	discordConsole   = "Discord Developer Portal → Applications → your app → OAuth2 (https://discord.com/developers/applications)"
	slackConsole     = "Slack API → Your Apps → your app → Basic Information → App Credentials (https://api.slack.com/apps)"
	spotifyConsole   = "Spotify for Developers → Dashboard → your app → Settings (https://developer.spotify.com/dashboard)"
	tidalConsole     = "TIDAL Developer Portal → Dashboard → your app (https://developer.tidal.com/dashboard)"
	anyConsole       = "the provider's page for the application you registered"
)

// providers is the catalog, in the order `mcp-oauth providers` lists it.
var providers = []Provider{
	{
		ID:          "github",
		DisplayName: "GitHub",
		Kind:        "oauth2",
		// https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps#web-application-flow
		AuthURL:  "https://github.com/login/oauth/authorize",
		TokenURL: "https://github.com/login/oauth/access_token",
		// https://docs.github.com/en/rest/users/users#get-the-authenticated-user
		UserInfoURL: "https://api.github.com/user",
		// read:user is enough for /user; user:email is asked only when a
		// verified address is needed (EmailScopes).
		// https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps
		Scopes: []string{"read:user"},
		// Supported (S256 only) and recommended, not required, since July 2025:
		// https://github.blog/changelog/2025-07-14-pkce-support-for-oauth-and-github-app-authentication
		PKCE: true,
		// The token endpoint answers form-encoded unless sent
		// Accept: application/json (authorizing-oauth-apps, step 2).
		AcceptJSON: true,
		// client_id and client_secret are documented as POST parameters
		// (authorizing-oauth-apps, step 2).
		TokenAuth: "client_secret_post",
		// OAuth-app tokens do not expire and come without a refresh token;
		// a GitHub App with user-token expiration gets 8-hour tokens and a
		// refresh token that is replaced on every use:
		// https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens
		Refresh:      "rotating",
		TokensExpire: false,
		// id is a JSON number, login the handle, name optional:
		// https://docs.github.com/en/rest/users/users#get-the-authenticated-user
		UserIDField:    "id",
		UserNameFields: []string{"login", "name"},
		LoginField:     "login",
		// /user's email is the public one, unverified; the verified primary
		// address comes from /user/emails, which needs user:email:
		// https://docs.github.com/en/rest/users/emails#list-email-addresses-for-the-authenticated-user
		EmailsURL:   "https://api.github.com/user/emails",
		EmailScopes: []string{"user:email"},
		Restrictions: []Setting{
			// GET /user/memberships/orgs/{org} answers for private members
			// too (state "active"); organisation reads need read:org:
			// https://docs.github.com/en/rest/orgs/members#get-an-organization-membership-for-the-authenticated-user
			// unverified: that this endpoint's own page names read:org;
			// read here from /user/orgs, which says "at least user or
			// read:org" (https://docs.github.com/en/rest/orgs/orgs#list-organizations-for-the-authenticated-user).
			{Name: "ALLOWED_ORGS", Description: "GitHub organisations whose active members may sign in, comma-separated logins", Where: "the organisation's login, as in https://github.com/ORG", Scopes: []string{"read:org"}},
			// GET /user/teams lists the user's teams across organisations;
			// OAuth tokens "need the user, repo, or read:org scope":
			// https://docs.github.com/en/rest/teams/teams#list-teams-for-the-authenticated-user
			{Name: "ALLOWED_TEAMS", Description: "GitHub teams whose members may sign in, comma-separated ORG/TEAM-SLUG", Where: "the team page https://github.com/orgs/ORG/teams/TEAM-SLUG", Scopes: []string{"read:org"}},
		},
		Settings: clientSettings(githubConsole),
		DocsURL:  "https://github.com/settings/developers",
		Guide: []string{
			"Open https://github.com/settings/developers (or your organisation's Settings → Developer settings) and choose New OAuth App.",
			"Set the Homepage URL to BASE_URL and the Authorization callback URL to BASE_URL/callback (http://localhost:8080/callback for local use).",
			"OAuth apps have no scopes to tick: the server asks for read:user at sign-in, user:email when ALLOWED_EMAIL_DOMAINS is set, read:org when ALLOWED_ORGS or ALLOWED_TEAMS is set.",
			"Copy the Client ID, generate a client secret, and set UPSTREAM_CLIENT_ID and UPSTREAM_CLIENT_SECRET.",
		},
		Notes: "OAuth app or GitHub App; OAuth-app tokens never expire. For GitHub Enterprise set UPSTREAM_AUTH_URL, UPSTREAM_TOKEN_URL and UPSTREAM_USERINFO_URL.",
		ScopeDescriptions: map[string]string{
			"read:user":  "see your GitHub profile: user name, name and public details",
			"user:email": "see the e-mail addresses of your GitHub account",
			"read:org":   "see which organisations and teams you belong to",
		},
	},
	{
		ID:          "google",
		DisplayName: "Google",
		Kind:        "oidc",
		// https://developers.google.com/identity/openid-connect/reference#discovery-document
		Issuer:      "https://accounts.google.com",
		AuthURL:     "https://accounts.google.com/o/oauth2/v2/auth",
		TokenURL:    "https://oauth2.googleapis.com/token",
		UserInfoURL: "https://openidconnect.googleapis.com/v1/userinfo",
		Scopes:      []string{"openid", "email", "profile"},
		// code_challenge is an optional authorization parameter:
		// https://developers.google.com/identity/protocols/oauth2/web-server#creatingclient
		PKCE: true,
		// A refresh token comes only with access_type=offline, and on a
		// repeat consent only with prompt=consent:
		// https://developers.google.com/identity/protocols/oauth2/web-server#offline
		AuthParams: []Param{{Key: "access_type", Value: "offline"}, {Key: "prompt", Value: "consent"}},
		// The examples send client_id and client_secret in the body; the
		// discovery document lists client_secret_post and client_secret_basic:
		// https://developers.google.com/identity/protocols/oauth2/web-server#exchange-authorization-code
		TokenAuth: "client_secret_post",
		// A refresh answer carries a new access token only:
		// https://developers.google.com/identity/protocols/oauth2/web-server#offline
		Refresh:      "reused",
		TokensExpire: true,
		// sub is the stable id; email and email_verified are OpenID claims;
		// hd is the Workspace domain and, unlike the hd request parameter,
		// can be trusted: https://developers.google.com/identity/openid-connect/openid-connect#an-id-tokens-payload
		UserIDField:        "sub",
		UserNameFields:     []string{"name", "email"},
		EmailField:         "email",
		EmailVerifiedField: "email_verified",
		Restrictions: []Setting{
			{Name: "ALLOWED_HOSTED_DOMAINS", Description: "Google Workspace domains whose accounts may sign in, comma-separated (checked against the hd claim; personal accounts have none)", Where: "Google Admin console → Account → Domains (https://admin.google.com)", Claim: "hd"},
		},
		Settings: clientSettings(googleConsole),
		DocsURL:  "https://console.cloud.google.com/apis/credentials",
		Guide: []string{
			"In https://console.cloud.google.com/apis/credentials choose Create credentials → OAuth client ID, application type Web application (configure the consent screen first if asked).",
			"Add BASE_URL/callback under Authorized redirect URIs (http://localhost:8080/callback for local use).",
			"On the consent screen's Data access page add the scopes openid, email and profile.",
			"Copy the Client ID and Client secret into UPSTREAM_CLIENT_ID and UPSTREAM_CLIENT_SECRET.",
		},
		Notes: "Asks for offline access and consent so Google returns a refresh token.",
		ScopeDescriptions: map[string]string{
			"email":   "see the e-mail address of your Google account",
			"profile": "see your name and profile picture",
		},
	},
	{
		ID:          "microsoft",
		DisplayName: "Microsoft",
		Kind:        "oidc",
		// Authority https://login.microsoftonline.com/{tenant}/v2.0, tenant a
		// tenant id or domain, or common, organizations, consumers:
		// https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc#find-your-apps-openid-configuration-document-uri
		Issuer: "https://login.microsoftonline.com/{tenant}/v2.0",
		// With a shared authority the discovery document's issuer reads
		// https://login.microsoftonline.com/{tenantid}/v2.0 and each token's
		// iss names the user's tenant, which its tid claim holds:
		// https://learn.microsoft.com/en-us/entra/identity-platform/id-token-claims-reference#payload-claims
		SharedTenants: []string{"common", "organizations", "consumers"},
		IDTokenIssuer: "https://login.microsoftonline.com/{tid}/v2.0",
		// offline_access is what brings a refresh token:
		// https://learn.microsoft.com/en-us/entra/identity-platform/scopes-oidc#the-offline_access-scope
		Scopes: []string{"openid", "profile", "email", "offline_access"},
		// code_challenge is recommended for all apps, required only for SPAs:
		// https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow#request-an-authorization-code
		PKCE: true,
		// The discovery document lists client_secret_post and
		// private_key_jwt (v2-protocols-oidc, sample response).
		TokenAuth: "client_secret_post",
		// "Refresh tokens replace themselves with a fresh token upon every
		// use"; the old one is not revoked:
		// https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens#token-lifetime
		Refresh:      "rotating",
		TokensExpire: true,
		// UserInfo (https://graph.microsoft.com/oidc/userinfo) gives sub,
		// the name claims and email; preferred_username is in the ID token
		// only: https://learn.microsoft.com/en-us/entra/identity-platform/userinfo
		UserIDField:    "sub",
		UserNameFields: []string{"name", "email"},
		// The email claim is not verified by Microsoft and may be set by a
		// tenant admin, so it is never trusted for ALLOWED_EMAIL_DOMAINS;
		// restrict by tenant instead:
		// https://learn.microsoft.com/en-us/entra/identity-platform/id-token-claims-reference#payload-claims
		// unverified: that no email_verified claim is issued by default
		// (the optional xms_edov claim is not requested here).
		EmailField: "email",
		Restrictions: []Setting{
			{Name: "ALLOWED_TENANTS", Description: "Microsoft Entra tenant IDs whose users may sign in, comma-separated (checked against the tid claim; personal accounts have tid 9188040d-6c67-4c5b-b112-36a304b66dad)", Where: "Microsoft Entra admin center → Overview: Tenant ID (https://entra.microsoft.com)", Claim: "tid"},
		},
		Settings: append([]Setting{
			{Name: "UPSTREAM_TENANT", Description: "directory (tenant) ID or domain whose users may sign in, or common, organizations or consumers for a multi-tenant app", Required: true, Where: "Microsoft Entra admin center → App registrations → your app → Overview: Directory (tenant) ID; the shared values match the app's Supported account types", Placeholder: "tenant"},
		}, clientSettings(microsoftConsole)...),
		DocsURL: "https://entra.microsoft.com/#view/Microsoft_AAD_RegisteredApps/ApplicationsListBlade",
		Guide: []string{
			"In the Microsoft Entra admin center open App registrations → New registration and choose the Supported account types (single tenant, or multitenant and personal accounts).",
			"Under Redirect URI pick the Web platform and enter BASE_URL/callback (http://localhost:8080/callback for local use).",
			"Under API permissions keep Microsoft Graph openid, profile, email and offline_access (delegated).",
			"Copy the Application (client) ID and the Directory (tenant) ID from Overview, make a client secret under Certificates & secrets, and set UPSTREAM_CLIENT_ID, UPSTREAM_CLIENT_SECRET and UPSTREAM_TENANT.",
		},
		Notes: "UPSTREAM_TENANT is required: a tenant ID for one organisation, or common, organizations or consumers chosen on purpose; with a shared value each token's issuer is checked against its own tid, and ALLOWED_TENANTS limits who gets in.",
	},
	{
		ID:          "gitlab",
		DisplayName: "GitLab",
		Kind:        "oidc",
		// Discovery at https://gitlab.com/.well-known/openid-configuration or
		// https://<instance>/.well-known/openid-configuration:
		// https://docs.gitlab.com/integration/openid_connect_provider/#settings-discovery
		Issuer: "{base_url}",
		Scopes: []string{"openid", "profile", "email"},
		// "Authorization code with Proof Key for Code Exchange (PKCE)":
		// https://docs.gitlab.com/api/oauth2/#supported-oauth-20-flows
		PKCE: true,
		// The documented token requests send client_id and client_secret as
		// parameters: https://docs.gitlab.com/api/oauth2/#authorization-code-flow
		TokenAuth: "client_secret_post",
		// Access tokens expire after two hours; a refresh "invalidates the
		// existing access_token and refresh_token" and sends new ones:
		// https://docs.gitlab.com/api/oauth2/#authorization-code-with-proof-key-for-code-exchange-pkce
		Refresh:      "rotating",
		TokensExpire: true,
		// User info: sub (user id), name, nickname (username), email,
		// email_verified:
		// https://docs.gitlab.com/integration/openid_connect_provider/#shared-information
		UserIDField:        "sub",
		UserNameFields:     []string{"nickname", "name"},
		LoginField:         "nickname",
		EmailField:         "email",
		EmailVerifiedField: "email_verified",
		Settings: append([]Setting{
			{Name: "UPSTREAM_BASE_URL", Description: "URL of the GitLab instance, without a trailing slash", Default: "https://gitlab.com", Where: "the address of your self-managed GitLab; leave unset for GitLab.com", Placeholder: "base_url"},
		}, clientSettings(gitlabConsole)...),
		DocsURL: "https://gitlab.com/-/user_settings/applications",
		Guide: []string{
			"On GitLab open Edit profile → Applications (or a group's Settings → Applications, or Admin → Applications on a self-managed instance) and choose Add new application.",
			"Set the Redirect URI to BASE_URL/callback (http://localhost:8080/callback for local use) and keep Confidential checked.",
			"Tick the scopes openid, profile and email.",
			"Copy the Application ID and Secret into UPSTREAM_CLIENT_ID and UPSTREAM_CLIENT_SECRET; for a self-managed instance set UPSTREAM_BASE_URL.",
		},
		Notes: "GitLab.com by default; set UPSTREAM_BASE_URL for a self-managed instance.",
	},
	{
		ID:          "auth0",
		DisplayName: "Auth0",
		Kind:        "oidc",
		// Discovery at https://{yourDomain}/.well-known/openid-configuration;
		// the issuer ends with a slash:
		// https://auth0.com/docs/get-started/applications/configure-applications-with-oidc-discovery
		// unverified: the trailing slash is taken from Auth0's discovery
		// documents as seen, not from a page that states it.
		Issuer: "https://{domain}/",
		// offline_access asks for a refresh token:
		// https://auth0.com/docs/secure/tokens/refresh-tokens/get-refresh-tokens
		Scopes: []string{"openid", "profile", "email", "offline_access"},
		// https://auth0.com/docs/get-started/authentication-and-authorization-flow/authorization-code-flow-with-pkce
		PKCE: true,
		// audience selects the API the access token is for; without it the
		// token is good for /userinfo only:
		// https://auth0.com/docs/secure/tokens/access-tokens/get-access-tokens
		AuthParams: []Param{{Key: "audience", Value: "{audience}"}},
		// unverified: that a new Regular Web Application defaults to
		// "Client Secret (Post)"; the application's Credentials tab shows
		// and sets the method (client_secret_post, client_secret_basic).
		TokenAuth: "client_secret_post",
		// With rotation on (the default for new applications, and the only
		// way a browser-based client gets one) every exchange returns a new
		// refresh token: https://auth0.com/docs/secure/tokens/refresh-tokens/refresh-token-rotation
		Refresh:      "rotating",
		TokensExpire: true,
		// https://auth0.com/docs/api/authentication/user-profile/get-user-info
		UserIDField:        "sub",
		UserNameFields:     []string{"name", "nickname", "email"},
		EmailField:         "email",
		EmailVerifiedField: "email_verified",
		Settings: append([]Setting{
			{Name: "UPSTREAM_DOMAIN", Description: "Auth0 tenant domain, such as example.us.auth0.com, or your custom domain", Required: true, Where: auth0Console + ": Basic Information → Domain", Placeholder: "domain"},
			{Name: "UPSTREAM_AUDIENCE", Description: "API identifier to request access tokens for; unset, the token serves /userinfo only", Where: "Auth0 Dashboard → Applications → APIs → your API → Settings: Identifier", Placeholder: "audience"},
		}, clientSettings(auth0Console+": Basic Information")...),
		DocsURL: "https://manage.auth0.com/",
		Guide: []string{
			"In the Auth0 Dashboard open Applications → Create Application and choose Regular Web Applications.",
			"Under Settings → Application URIs add BASE_URL/callback to Allowed Callback URLs (http://localhost:8080/callback for local use).",
			"Under Advanced Settings → Grant Types keep Authorization Code and tick Refresh Token.",
			"Copy Domain, Client ID and Client Secret into UPSTREAM_DOMAIN, UPSTREAM_CLIENT_ID and UPSTREAM_CLIENT_SECRET; set UPSTREAM_AUDIENCE if your tools call an API of yours.",
		},
		Notes: "UPSTREAM_AUDIENCE is sent as the audience parameter when set (the API needs Allow Offline Access for refresh tokens).",
	},
	{
		ID:          "okta",
		DisplayName: "Okta",
		Kind:        "oidc",
		// Org server issuer https://{yourOktaDomain}; custom servers
		// https://{yourOktaDomain}/oauth2/{authorizationServerId}, the
		// pre-configured one being "default":
		// https://developer.okta.com/docs/concepts/auth-servers/
		Issuer: "{org_url}/oauth2/{auth_server}",
		// https://developer.okta.com/docs/guides/refresh-tokens/main/#get-a-refresh-token
		Scopes: []string{"openid", "profile", "email", "offline_access"},
		// https://developer.okta.com/docs/guides/implement-grant-type/authcodepkce/main/
		PKCE: true,
		// unverified: that web apps default to client_secret_basic; the app's
		// General → Client Credentials shows the method, and both are
		// accepted (token_endpoint_auth_method in the Apps API).
		TokenAuth: "client_secret_basic",
		// unverified: rotation is an app setting ("Rotate token after every
		// use"); assumed on, as Okta recommends:
		// https://developer.okta.com/docs/guides/refresh-tokens/main/#refresh-token-rotation
		Refresh:      "rotating",
		TokensExpire: true,
		// https://developer.okta.com/docs/api/openapi/okta-oauth/oauth/tag/CustomAS/#tag/CustomAS/operation/userinfoCustomAS
		UserIDField:        "sub",
		UserNameFields:     []string{"name", "preferred_username", "email"},
		EmailField:         "email",
		EmailVerifiedField: "email_verified",
		Settings: append([]Setting{
			{Name: "UPSTREAM_ORG_URL", Description: "Okta org URL, such as https://example.okta.com, without a trailing slash", Required: true, Where: "Okta Admin Console → your name at the top right: the Okta domain", Placeholder: "org_url"},
			{Name: "UPSTREAM_AUTH_SERVER", Description: "ID of the custom authorization server", Default: "default", Where: "Okta Admin Console → Security → API → Authorization Servers (for the org server instead, set UPSTREAM_ISSUER to the org URL)", Placeholder: "auth_server"},
		}, clientSettings(oktaConsole)...),
		Guide: []string{
			"In the Okta Admin Console open Applications → Create App Integration, sign-in method OIDC - OpenID Connect, application type Web Application.",
			"Tick the Refresh Token grant type and add BASE_URL/callback to Sign-in redirect URIs (http://localhost:8080/callback for local use).",
			"Assign the people or groups who may sign in, and check that the authorization server's access policy admits the app.",
			"Copy the Client ID and Client secret into UPSTREAM_CLIENT_ID and UPSTREAM_CLIENT_SECRET and set UPSTREAM_ORG_URL.",
		},
		Notes: "Uses the custom authorization server UPSTREAM_AUTH_SERVER (default \"default\"); for the org authorization server set UPSTREAM_ISSUER to the org URL.",
	},
	{
		ID:          "keycloak",
		DisplayName: "Keycloak",
		Kind:        "oidc",
		// Realm issuer {server}/realms/{realm}; before Keycloak 17 the server
		// path ended in /auth: https://www.keycloak.org/docs/latest/upgrading/index.html#new-default-context-path
		// unverified: that upgrading-guide anchor; the /auth removal is in
		// the Keycloak 17 migration notes (https://www.keycloak.org/migration/migrating-to-quarkus).
		Issuer: "{base_url}/realms/{realm}",
		Scopes: []string{"openid", "profile", "email"},
		// PKCE is accepted, and can be required per client (Advanced →
		// Proof Key for Code Exchange Code Challenge Method):
		// https://www.keycloak.org/docs/latest/server_admin/#_oidc_clients
		PKCE: true,
		// unverified: the "Client Id and Secret" authenticator accepts Basic
		// and post; post assumed.
		TokenAuth: "client_secret_post",
		// unverified: every refresh answer carries a new refresh token (the
		// old one stays valid unless the realm turns on Revoke Refresh Token).
		Refresh:      "rotating",
		TokensExpire: true,
		// Standard OpenID claims from the default profile and email scopes:
		// https://www.keycloak.org/docs/latest/server_admin/#_client_scopes
		UserIDField:        "sub",
		UserNameFields:     []string{"preferred_username", "name", "email"},
		EmailField:         "email",
		EmailVerifiedField: "email_verified",
		Settings: append([]Setting{
			{Name: "UPSTREAM_BASE_URL", Description: "URL of the Keycloak server, without a trailing slash (ending in /auth before Keycloak 17)", Required: true, Where: "the address of your Keycloak; Realm settings → Endpoints → OpenID Endpoint Configuration shows BASE_URL/realms/REALM", Placeholder: "base_url"},
			{Name: "UPSTREAM_REALM", Description: "name of the realm whose users sign in", Required: true, Where: "Keycloak admin console: the realm selector at the top left", Placeholder: "realm"},
		}, clientSettings(keycloakConsole)...),
		Guide: []string{
			"In the Keycloak admin console (UPSTREAM_BASE_URL/admin/) choose your realm, then Clients → Create client, type OpenID Connect.",
			"Turn Client authentication on and keep Standard flow enabled.",
			"Add BASE_URL/callback to Valid redirect URIs (http://localhost:8080/callback for local use).",
			"Copy the Client ID, and the Client secret from the Credentials tab, into UPSTREAM_CLIENT_ID and UPSTREAM_CLIENT_SECRET; set UPSTREAM_BASE_URL and UPSTREAM_REALM.",
		},
	},
	{
		ID:          "discord",
		DisplayName: "Discord",
		Kind:        "oauth2",
		// https://discord.com/developers/docs/topics/oauth2#shared-resources-oauth2-urls
		AuthURL:  "https://discord.com/oauth2/authorize",
		TokenURL: "https://discord.com/api/oauth2/token",
		// https://discord.com/developers/docs/resources/user#get-current-user
		UserInfoURL: "https://discord.com/api/users/@me",
		// identify gives /users/@me without email:
		// https://discord.com/developers/docs/topics/oauth2#shared-resources-oauth2-scopes
		Scopes: []string{"identify"},
		// Supported but missing from the reference: S256 only, and the
		// verifier must be at least 43 characters (RFC 7636 §4.1):
		// https://github.com/discord/discord-api-docs/issues/5254
		PKCE: true,
		// The token exchange example authenticates with HTTP Basic; form
		// fields are accepted too:
		// https://discord.com/developers/docs/topics/oauth2#authorization-code-grant-access-token-exchange-example
		TokenAuth: "client_secret_basic",
		// Access tokens last 604800 s; the refresh example answer carries a
		// new refresh_token:
		// https://discord.com/developers/docs/topics/oauth2#authorization-code-grant-refresh-token-exchange-example
		// unverified: that the old refresh token stops working once used.
		Refresh:      "rotating",
		TokensExpire: true,
		// id is a snowflake sent as a string; global_name is the display
		// name, username the handle; email and verified need the email scope:
		// https://discord.com/developers/docs/resources/user#user-object
		UserIDField:    "id",
		UserNameFields: []string{"global_name", "username"},
		// Usernames are unique since the 2023 username migration:
		// https://discord.com/developers/docs/change-log#unique-usernames-on-discord
		LoginField:         "username",
		EmailField:         "email",
		EmailVerifiedField: "verified",
		EmailScopes:        []string{"email"},
		Settings:           clientSettings(discordConsole),
		DocsURL:            "https://discord.com/developers/applications",
		Guide: []string{
			"In the Discord Developer Portal choose New Application, then open OAuth2.",
			"Under Redirects add BASE_URL/callback (http://localhost:8080/callback for local use).",
			"No scopes are ticked in the portal: the server asks for identify, and email when ALLOWED_EMAIL_DOMAINS is set.",
			"Copy the Client ID, reset and copy the Client Secret, and set UPSTREAM_CLIENT_ID and UPSTREAM_CLIENT_SECRET.",
		},
		ScopeDescriptions: map[string]string{
			"identify": "see your Discord user name, avatar and banner",
			"email":    "see the e-mail address of your Discord account",
			"guilds":   "see the servers you are in",
		},
	},
	{
		ID:          "slack",
		DisplayName: "Slack",
		Kind:        "oidc",
		// Sign in with Slack is OpenID Connect; discovery at
		// https://slack.com/.well-known/openid-configuration gives issuer
		// https://slack.com, scopes openid profile email, grant type
		// authorization_code only, and client_secret_post and
		// client_secret_basic: https://docs.slack.dev/authentication/sign-in-with-slack/
		Issuer:      "https://slack.com",
		AuthURL:     "https://slack.com/openid/connect/authorize",
		TokenURL:    "https://slack.com/api/openid.connect.token",
		UserInfoURL: "https://slack.com/api/openid.connect.userInfo",
		Scopes:      []string{"openid", "profile", "email"},
		// unverified: the discovery document advertises no
		// code_challenge_methods_supported and no page mentions PKCE for
		// Sign in with Slack; assumed unsupported.
		PKCE: false,
		// openid.connect.token takes client_id and client_secret as
		// arguments: https://docs.slack.dev/reference/methods/openid.connect.token
		TokenAuth: "client_secret_post",
		// Tokens do not expire and come without a refresh token unless the
		// app opts in to token rotation (the refresh_token argument of
		// openid.connect.token): https://docs.slack.dev/authentication/using-token-rotation/
		Refresh:      "none",
		TokensExpire: false,
		// sub is the user ID; the workspace is the claim
		// https://slack.com/team_id (not expressible as a dotted path, so
		// there is no workspace restriction yet):
		// https://docs.slack.dev/reference/methods/openid.connect.userInfo
		UserIDField:        "sub",
		UserNameFields:     []string{"name", "email"},
		EmailField:         "email",
		EmailVerifiedField: "email_verified",
		Settings:           clientSettings(slackConsole),
		DocsURL:            "https://api.slack.com/apps",
		Guide: []string{
			"At https://api.slack.com/apps choose Create New App → From scratch and pick a workspace.",
			"Under OAuth & Permissions → Redirect URLs add BASE_URL/callback (Slack wants https; use a tunnel for local use).",
			"Under OAuth & Permissions → User Token Scopes add openid, profile and email.",
			"Copy the Client ID and Client Secret from Basic Information → App Credentials into UPSTREAM_CLIENT_ID and UPSTREAM_CLIENT_SECRET.",
		},
		Notes: "Sign in with Slack (OpenID). Slack's Web API answers errors as HTTP 200 with {\"ok\": false}.",
	},
	{
		ID:          "spotify",
		DisplayName: "Spotify",
		Kind:        "oauth2",
		// https://developer.spotify.com/documentation/web-api/tutorials/code-flow
		AuthURL:  "https://accounts.spotify.com/authorize",
		TokenURL: "https://accounts.spotify.com/api/token",
		// https://developer.spotify.com/documentation/web-api/reference/get-current-users-profile
		UserInfoURL: "https://api.spotify.com/v1/me",
		// /v1/me needs no scope for id and display_name; user-read-email adds
		// the address: https://developer.spotify.com/documentation/web-api/concepts/scopes
		Scopes: []string{"user-read-email"},
		// https://developer.spotify.com/documentation/web-api/tutorials/code-pkce-flow
		PKCE: true,
		// The code flow's token request authenticates with
		// "Authorization: Basic <base64 client_id:client_secret>"
		// (code-flow, "Request an access token").
		TokenAuth: "client_secret_basic",
		// Access tokens last an hour; "When a refresh token is not returned,
		// continue using the existing token":
		// https://developer.spotify.com/documentation/web-api/tutorials/refreshing-tokens
		Refresh:      "reused",
		TokensExpire: true,
		// id is the Spotify user ID (a string), display_name may be null;
		// the email "is unverified; there is no proof that it actually
		// belongs to the user" (get-current-users-profile).
		UserIDField:    "id",
		UserNameFields: []string{"display_name", "id"},
		EmailField:     "email",
		Settings:       clientSettings(spotifyConsole),
		DocsURL:        "https://developer.spotify.com/dashboard",
		Guide: []string{
			"In the Spotify developer dashboard choose Create app and tick Web API.",
			"Add BASE_URL/callback as a Redirect URI; Spotify wants https, or a loopback address such as http://127.0.0.1:8080/callback (not localhost).",
			"No scopes are ticked in the dashboard: the server asks for user-read-email; add others with UPSTREAM_SCOPES.",
			"Copy the Client ID and Client secret from Settings into UPSTREAM_CLIENT_ID and UPSTREAM_CLIENT_SECRET.",
		},
		Notes: "Redirect URIs must be https or a loopback IP (http://127.0.0.1:PORT/callback); Spotify refuses localhost.",
		ScopeDescriptions: map[string]string{
			"user-read-email":            "see the e-mail address of your Spotify account",
			"user-read-private":          "see your Spotify subscription, country and explicit-content setting",
			"playlist-read-private":      "see your private playlists",
			"user-library-read":          "see your saved tracks and albums",
			"user-read-playback-state":   "see what you are playing and on which device",
			"user-modify-playback-state": "control playback on your devices",
		},
	},
	{
		ID:          "tidal",
		DisplayName: "TIDAL",
		Kind:        "oauth2",
		// "standard OAuth protocol endpoints":
		// https://developer.tidal.com/documentation/authorization/authorization-overview
		// (also the tokenUrl/authorizationUrl of the API description,
		// https://github.com/tidal-music/tidal-sdk-web/blob/main/packages/api/bin/tidal-api-oas.json)
		AuthURL:  "https://login.tidal.com/authorize",
		TokenURL: "https://auth.tidal.com/v1/oauth2/token",
		// GET /users/{id} with id "me" for the authenticated user, server
		// https://openapi.tidal.com/v2, answered as application/vnd.api+json
		// (tidal-api-oas.json, path /users/{id}).
		UserInfoURL:    "https://openapi.tidal.com/v2/users/me",
		UserInfoAccept: "application/vnd.api+json",
		// user.read: "Read access to a user's account information, such as
		// country and email address"; it guards /users/{id}
		// (tidal-api-oas.json, securitySchemes; also
		// https://developer.tidal.com/documentation/authorization/authorization-scopes).
		Scopes: []string{"user.read"},
		// The platform "implements OAuth 2.1", and TIDAL's own auth module
		// always sends code_challenge_method=S256:
		// https://github.com/tidal-music/tidal-sdk-web/blob/main/packages/auth/src/auth/auth.ts (initializeLogin)
		// unverified: that a request without PKCE is refused; assumed from
		// OAuth 2.1 and the scheme's name Authorization_Code_PKCE.
		PKCE:         true,
		PKCERequired: true,
		// The auth module sends client_id (and client_secret when it has
		// one) as form fields, never a Basic header (auth.ts finalizeLogin,
		// utils/fetchHandling.ts prepareFetch).
		TokenAuth: "client_secret_post",
		// "there is no refreshToken when renewing the accessToken": the
		// module keeps the old refresh token (auth.ts persistToken).
		Refresh:      "reused",
		TokensExpire: true,
		// JSON:API document: data.id (string), data.attributes.username,
		// firstName, email, emailVerified (tidal-api-oas.json,
		// Users_Resource_Object and Users_Attributes).
		UserIDField:        "data.id",
		UserNameFields:     []string{"data.attributes.username", "data.attributes.firstName"},
		EmailField:         "data.attributes.email",
		EmailVerifiedField: "data.attributes.emailVerified",
		Settings:           clientSettings(tidalConsole),
		DocsURL:            "https://developer.tidal.com/dashboard",
		Guide: []string{
			"In the TIDAL developer dashboard create an app.",
			"Add BASE_URL/callback to the app's Redirect URIs (http://localhost:8080/callback for local use).",
			"Enable the scopes the server asks for: user.read, plus any you add with UPSTREAM_SCOPES (collection.read, playlists.read, entitlements.read, ...).",
			"Copy the Client ID and Client Secret into UPSTREAM_CLIENT_ID and UPSTREAM_CLIENT_SECRET.",
		},
		Notes: "PKCE (S256) is always used. The user is read from the TIDAL API's JSON:API /users/me.",
		ScopeDescriptions: map[string]string{
			"user.read":            "see your TIDAL account details, such as country and e-mail address",
			"collection.read":      "see your TIDAL collection",
			"collection.write":     "change your TIDAL collection",
			"playlists.read":       "see your playlists",
			"playlists.write":      "change your playlists",
			"entitlements.read":    "see what your TIDAL subscription lets you do",
			"recommendations.read": "see your personal recommendations",
			"playback":             "play music and control playback",
			"search.read":          "see your personalised search results",
		},
	},
	{
		ID:          "oidc",
		DisplayName: "OpenID Connect",
		Kind:        "oidc",
		Scopes:      []string{"openid", "profile", "email", "offline_access"},
		PKCE:        true,
		// OpenID Connect Core §5.1: sub, name, preferred_username, email,
		// email_verified are standard claims.
		// https://openid.net/specs/openid-connect-core-1_0.html#StandardClaims
		UserIDField:        "sub",
		UserNameFields:     []string{"name", "preferred_username", "email"},
		EmailField:         "email",
		EmailVerifiedField: "email_verified",
		TokensExpire:       true,
		Settings: append([]Setting{
			{Name: "UPSTREAM_ISSUER", Description: "issuer URL; endpoints come from its /.well-known/openid-configuration", Required: true, Where: "the provider's OpenID configuration: its issuer value"},
		}, clientSettings(anyConsole)...),
		Guide: []string{
			"At your OpenID provider register a confidential web client using the authorization code flow.",
			"Register BASE_URL/callback as its redirect URI (http://localhost:8080/callback for local use).",
			"Allow the scopes openid, profile, email and, for refresh tokens, offline_access.",
			"Copy the client ID and secret into UPSTREAM_CLIENT_ID and UPSTREAM_CLIENT_SECRET and set UPSTREAM_ISSUER.",
		},
		Notes:      "Any OpenID provider found by discovery (Keycloak, Authentik, Zitadel, Dex, ...).",
		NameByHost: true,
	},
	{
		ID:          "oauth2",
		DisplayName: "OAuth 2.0",
		Kind:        "oauth2",
		AuthURL:     "{auth_url}",
		TokenURL:    "{token_url}",
		UserInfoURL: "{userinfo_url}",
		// Nothing is known about the provider's scopes; UPSTREAM_SCOPES
		// names them.
		Scopes: []string{},
		// PKCE (RFC 7636) is ignored by servers that do not know it, so it
		// is sent.
		PKCE:           true,
		TokensExpire:   true,
		UserIDField:    "{user_id_field}",
		UserNameFields: []string{"{user_name_field}"},
		Settings: append([]Setting{
			{Name: "UPSTREAM_AUTH_URL", Description: "authorization endpoint URL", Required: true, Where: "the provider's OAuth documentation", Placeholder: "auth_url"},
			{Name: "UPSTREAM_TOKEN_URL", Description: "token endpoint URL", Required: true, Where: "the provider's OAuth documentation", Placeholder: "token_url"},
			{Name: "UPSTREAM_USERINFO_URL", Description: "URL of the API call that answers the signed-in user as JSON", Required: true, Where: "the provider's API reference (its \"current user\" or \"me\" call)", Placeholder: "userinfo_url"},
			{Name: "UPSTREAM_USER_ID_FIELD", Description: "dotted path of the stable user id in that answer, such as id or data.id", Required: true, Where: "the provider's API reference for that call", Placeholder: "user_id_field"},
			{Name: "UPSTREAM_USER_NAME_FIELD", Description: "dotted path of a display name in that answer", Default: "name", Where: "the provider's API reference for that call", Placeholder: "user_name_field"},
		}, clientSettings(anyConsole)...),
		Guide: []string{
			"At the provider register an OAuth 2.0 application using the authorization code grant.",
			"Register BASE_URL/callback as its redirect URI (http://localhost:8080/callback for local use).",
			"Allow the scopes the user-info call needs, and name them in UPSTREAM_SCOPES.",
			"Copy the client ID and secret into UPSTREAM_CLIENT_ID and UPSTREAM_CLIENT_SECRET and set the endpoint and field settings.",
		},
		Notes:      "Any OAuth 2.0 provider: endpoints and the user id's place in the user-info answer come from settings.",
		NameByHost: true,
	},
}
