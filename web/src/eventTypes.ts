import type { EventType } from "@wsapi/contracts/events";

// Every webhook event type with a short description. Typed against the server's contract, so a new
// or renamed event type fails the build here instead of silently missing from the dashboard.
export const EVENT_DESCRIPTIONS: Record<EventType, string> = {
  message: "A message arrived or was sent",
  message_read: "Messages were read",
  message_delete: "A message was deleted",
  message_star: "A message was starred",
  message_history_sync: "History sync after pairing",
  logged_in: "The phone was paired",
  logged_out: "The phone was unpaired",
  login_error: "Pairing failed",
  initial_sync_finished: "The first sync finished",
  chat_setting: "A chat setting changed",
  chat_presence: "Typing or recording in a chat",
  chat_push_name: "A contact's push name changed",
  chat_status: "A contact's status changed",
  chat_picture: "A chat picture changed",
  contact: "A contact changed",
  group: "A group changed",
  newsletter: "A channel (newsletter) changed",
  call_offer: "An incoming call",
  call_accept: "A call was accepted",
  call_terminate: "A call ended",
  user_presence: "A contact came online or went offline",
  session_health: "The connection to WhatsApp changed state (our extension)",
};

export const EVENT_TYPES = Object.keys(EVENT_DESCRIPTIONS) as EventType[];

/** Delivered whatever the filters say (SESSION_EVENT_TYPES of @wsapi/contracts/events). */
export const SESSION_EVENTS: ReadonlySet<string> = new Set<EventType>([
  "logged_in",
  "logged_out",
  "login_error",
  "initial_sync_finished",
]);
