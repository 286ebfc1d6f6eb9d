/**
 * The Bot Framework adapter. A thin subclass of `CloudAdapter` so the server can hand it an activity
 * it has already validated (and map failures to precise HTTP statuses itself) while the SDK still
 * authenticates the request and sends every reply through the channel's connector.
 */
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type Activity, type InvokeResponse, type TurnContext } from 'botbuilder';
import {
  AuthenticationConstants,
  ConnectorFactory,
  type AuthenticateRequestResult,
  type ClaimsIdentity,
  type ConnectorClient,
  type ServiceClientCredentialsFactory,
  type UserTokenClient,
} from 'botframework-connector';
import { CallerIdConstants } from 'botframework-schema';
import { LRUCache } from 'lru-cache';
import type { Config } from '../config.js';

/** At most this many connector clients (one per channel service URL and audience) are kept. */
const MAX_CONNECTORS = 64;

/** Creations by key (pending or settled), least recently used out first; a failed creation is forgotten. */
class Reuse<T extends object> {
  private readonly items: LRUCache<string, Promise<T>>;
  constructor(max: number) {
    this.items = new LRUCache({ max });
  }

  get(key: string, make: () => Promise<T>): Promise<T> {
    let item = this.items.get(key);
    if (!item) {
      item = make();
      item.catch(() => this.items.delete(key));
      this.items.set(key, item);
    }
    return item;
  }
}

class ReusingConnectorFactory extends ConnectorFactory {
  constructor(
    private readonly inner: ConnectorFactory,
    private readonly clients: Reuse<ConnectorClient>,
    private readonly appId: string,
  ) {
    super();
  }

  override create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    return this.clients.get(`${this.appId}\n${serviceUrl}\n${audience ?? ''}`, () => this.inner.create(serviceUrl, audience));
  }
}

/**
 * CloudAdapter builds a new ConnectorClient and a new UserTokenClient for every turn: each is an
 * Azure ServiceClient with its own request pipeline, about a quarter of the bot's CPU per turn under
 * load (bench, README "Performance"). They hold no per-turn state (the credentials cache and refresh
 * their own tokens; the HTTP agent is shared anyway), so one per bot, channel service URL and audience
 * is reused, like BotFrameworkAdapter did.
 */
class ReusingAuthentication extends ConfigurationBotFrameworkAuthentication {
  private readonly connectors = new Reuse<ConnectorClient>(MAX_CONNECTORS);
  private readonly userTokens = new Reuse<UserTokenClient>(MAX_CONNECTORS);

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await super.authenticateRequest(activity, authHeader);
    return result.connectorFactory ? { ...result, connectorFactory: this.reusing(result.connectorFactory, result.claimsIdentity) } : result;
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.reusing(super.createConnectorFactory(claimsIdentity), claimsIdentity);
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return this.userTokens.get(appIdOf(claimsIdentity), () => super.createUserTokenClient(claimsIdentity));
  }

  private reusing(factory: ConnectorFactory, claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return new ReusingConnectorFactory(factory, this.connectors, appIdOf(claimsIdentity));
  }
}

/** The bot's own app id, as the SDK picks it for the credentials (empty in anonymous mode). */
function appIdOf(claimsIdentity: ClaimsIdentity): string {
  return claimsIdentity.getClaimValue(AuthenticationConstants.AudienceClaim) ?? claimsIdentity.getClaimValue(AuthenticationConstants.AppIdClaim) ?? '';
}

export class HelpdeskAdapter extends CloudAdapter {
  /**
   * `credentialsFactory`: how the bot gets tokens for its outbound calls (the SDK's extension point;
   * default: from MicrosoftAppId/Password via Azure AD). Tests on a machine without internet pass one.
   */
  constructor(config: Config, credentialsFactory?: ServiceClientCredentialsFactory) {
    super(
      new ReusingAuthentication(
        {
          MicrosoftAppId: config.auth.appId ?? '',
          MicrosoftAppPassword: config.auth.appPassword ?? '',
          MicrosoftAppType: config.auth.appType,
          MicrosoftAppTenantId: config.auth.tenantId ?? '',
          // One overridden endpoint makes the SDK take every endpoint from configuration (it then has
          // no defaults: the token issuer would be empty and every channel token refused). So the rest
          // of the public cloud's set comes along with the override.
          ...(config.auth.openIdMetadataUrl
            ? {
                ToBotFromChannelOpenIdMetadataUrl: config.auth.openIdMetadataUrl,
                ToBotFromEmulatorOpenIdMetadataUrl: config.auth.openIdMetadataUrl,
                ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
                ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
                ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
                OAuthUrl: AuthenticationConstants.OAuthUrl,
                CallerId: CallerIdConstants.PublicAzureChannel,
                ValidateAuthority: 'true',
              }
            : {}),
        },
        credentialsFactory,
      ),
    );
  }

  /** Authenticates `authHeader`, runs the turn, returns the invoke response (for invoke activities). */
  handle(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, activity, logic);
  }
}
