// Who did something: always the user the request's application key belongs to, never a name the request gives.

export interface Actor {
  userId: string;
  /** What histories show and store as the actor (mute `actor_handle`, feedback `actor`, import `actor`). */
  userHandle: string;
}
