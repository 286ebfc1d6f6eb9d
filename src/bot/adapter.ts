/**
 * The Bot Framework adapter. A thin subclass of `CloudAdapter` so the server can hand it an activity
 * it has already validated (and map failures to precise HTTP statuses itself) while the SDK still
 * authenticates the request and sends every reply through the channel's connector.
 */
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type Activity, type InvokeResponse, type TurnContext } from 'botbuilder';
import { AuthenticationConstants, type ServiceClientCredentialsFactory } from 'botframework-connector';
import { CallerIdConstants } from 'botframework-schema';
import type { Config } from '../config.js';

export class HelpdeskAdapter extends CloudAdapter {
  /**
   * `credentialsFactory`: how the bot gets tokens for its outbound calls (the SDK's extension point;
   * default: from MicrosoftAppId/Password via Azure AD). Tests on a machine without internet pass one.
   */
  constructor(config: Config, credentialsFactory?: ServiceClientCredentialsFactory) {
    super(
      new ConfigurationBotFrameworkAuthentication(
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
        } as Record<string, string>,
        credentialsFactory,
      ),
    );
  }

  /** Authenticates `authHeader`, runs the turn, returns the invoke response (for invoke activities). */
  handle(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, activity, logic);
  }
}
