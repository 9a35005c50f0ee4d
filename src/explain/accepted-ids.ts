/** What `explain` accepts, for its help and its NOT_FOUND message. */
export const ACCEPTED_IDS =
  'a signal id (sig-BTC-USD-1h-<ms>), a proposal id (prop-<signal id>, or op-… for a manual trade), a risk decision id (appr-… or deny-…), a client order id or an exchange order id';
