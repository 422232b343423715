// What the Newsletters routes need from WhatsApp: the channels the account follows or owns, creating
// one, looking one up, following and muting. Implemented by baileys-newsletters.ts and
// simulator-newsletters.ts; both report follow, unfollow and mute as WSAPI's `newsletter` event.
import type { NewsletterInfo } from "@wsapi/contracts/newsletter-api";

export interface NewNewsletter {
  name: string;
  description?: string;
  picture?: Buffer;
}

export interface NewsletterOperations {
  /** Newsletters the account follows, owns or administers. */
  list(): Promise<NewsletterInfo[]>;
  /** Creates a newsletter owned by the account; returns its JID. */
  create(newsletter: NewNewsletter): Promise<string>;
  get(newsletterId: string): Promise<NewsletterInfo | undefined>;
  byInviteCode(code: string): Promise<NewsletterInfo | undefined>;
  setSubscribed(newsletterId: string, subscribed: boolean): Promise<void>;
  setMuted(newsletterId: string, muted: boolean): Promise<void>;
}
