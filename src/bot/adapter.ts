/**
 * The Bot Framework adapter. A thin subclass of `CloudAdapter` so the server can hand it an activity
 * it has already validated (and map failures to precise HTTP statuses itself) while the SDK still
 * authenticates the request and sends every reply through the channel's connector.
 */
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type Activity, type InvokeResponse, type TurnContext } from 'botbuilder';
import type { Config } from '../config.js';

export class HelpdeskAdapter extends CloudAdapter {
  constructor(config: Config) {
    super(
      new ConfigurationBotFrameworkAuthentication({
        MicrosoftAppId: config.auth.appId ?? '',
        MicrosoftAppPassword: config.auth.appPassword ?? '',
        MicrosoftAppType: config.auth.appType,
        MicrosoftAppTenantId: config.auth.tenantId ?? '',
        ...(config.auth.openIdMetadataUrl
          ? { ToBotFromChannelOpenIdMetadataUrl: config.auth.openIdMetadataUrl, ToBotFromEmulatorOpenIdMetadataUrl: config.auth.openIdMetadataUrl }
          : {}),
      } as Record<string, string>),
    );
  }

  /** Authenticates `authHeader`, runs the turn, returns the invoke response (for invoke activities). */
  handle(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, activity, logic);
  }
}
