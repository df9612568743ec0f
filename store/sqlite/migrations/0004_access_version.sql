-- 0004_access_version: a number per app that changes whenever anything
-- that decides who may send what to whom changes, so that the chat service
-- can check a send against the read pool, outside the single writer, and
-- have the writer confirm the check still holds by comparing one number
-- (parley.AppStore.AccessVersion). Triggers keep it, so no write path can
-- forget to: users created or removed, deactivated, reactivated or
-- soft-deleted; blocks; groups created, removed or retyped; memberships;
-- bans. Messages, conversations and receipts never move it.

ALTER TABLE apps ADD COLUMN access_version INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER access_users_insert AFTER INSERT ON users
BEGIN
    UPDATE apps SET access_version = access_version + 1 WHERE id = NEW.app_id;
END;

CREATE TRIGGER access_users_update AFTER UPDATE OF deactivated_at, deleted_at ON users
WHEN OLD.deactivated_at IS NOT NEW.deactivated_at OR OLD.deleted_at IS NOT NEW.deleted_at
BEGIN
    UPDATE apps SET access_version = access_version + 1 WHERE id = NEW.app_id;
END;

CREATE TRIGGER access_users_delete AFTER DELETE ON users
BEGIN
    UPDATE apps SET access_version = access_version + 1 WHERE id = OLD.app_id;
END;

CREATE TRIGGER access_blocks_insert AFTER INSERT ON blocks
BEGIN
    UPDATE apps SET access_version = access_version + 1 WHERE id = NEW.app_id;
END;

CREATE TRIGGER access_blocks_delete AFTER DELETE ON blocks
BEGIN
    UPDATE apps SET access_version = access_version + 1 WHERE id = OLD.app_id;
END;

CREATE TRIGGER access_groups_insert AFTER INSERT ON groups
BEGIN
    UPDATE apps SET access_version = access_version + 1 WHERE id = NEW.app_id;
END;

CREATE TRIGGER access_groups_update AFTER UPDATE OF type ON groups
WHEN OLD.type IS NOT NEW.type
BEGIN
    UPDATE apps SET access_version = access_version + 1 WHERE id = NEW.app_id;
END;

CREATE TRIGGER access_groups_delete AFTER DELETE ON groups
BEGIN
    UPDATE apps SET access_version = access_version + 1 WHERE id = OLD.app_id;
END;

CREATE TRIGGER access_memberships_insert AFTER INSERT ON memberships
BEGIN
    UPDATE apps SET access_version = access_version + 1 WHERE id = NEW.app_id;
END;

CREATE TRIGGER access_memberships_update AFTER UPDATE ON memberships
BEGIN
    UPDATE apps SET access_version = access_version + 1 WHERE id = NEW.app_id;
END;

CREATE TRIGGER access_memberships_delete AFTER DELETE ON memberships
BEGIN
    UPDATE apps SET access_version = access_version + 1 WHERE id = OLD.app_id;
END;

CREATE TRIGGER access_bans_insert AFTER INSERT ON bans
BEGIN
    UPDATE apps SET access_version = access_version + 1 WHERE id = NEW.app_id;
END;

CREATE TRIGGER access_bans_delete AFTER DELETE ON bans
BEGIN
    UPDATE apps SET access_version = access_version + 1 WHERE id = OLD.app_id;
END;
