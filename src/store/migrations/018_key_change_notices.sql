-- Each server process keeps the key pairs it has authenticated (src/server/key-cache.ts). Any change to keys or users
-- (a revocation, a deactivated user) tells every process to forget them: NOTIFY is sent by the changing transaction
-- and delivered when it commits.
CREATE FUNCTION notify_keys_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('steward_keys_changed', '');
  RETURN NULL;
END
$$;
CREATE TRIGGER api_keys_changed AFTER UPDATE OR DELETE ON api_keys FOR EACH STATEMENT EXECUTE FUNCTION notify_keys_changed();
CREATE TRIGGER users_changed AFTER UPDATE OR DELETE ON users FOR EACH STATEMENT EXECUTE FUNCTION notify_keys_changed();
