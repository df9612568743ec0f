-- 0005_drop_access_version: undo 0004. The access version was kept for a
-- design that checked sends on the read pool and confirmed them in the
-- writer by comparing it; that design was measured slower and dropped
-- (docs/benchmarks.md), nothing reads the number, and its triggers cost a
-- write to the apps row with every user, block, group, membership and ban
-- change. The writer checks each send inside its own transaction instead.

DROP TRIGGER access_users_insert;
DROP TRIGGER access_users_update;
DROP TRIGGER access_users_delete;
DROP TRIGGER access_blocks_insert;
DROP TRIGGER access_blocks_delete;
DROP TRIGGER access_groups_insert;
DROP TRIGGER access_groups_update;
DROP TRIGGER access_groups_delete;
DROP TRIGGER access_memberships_insert;
DROP TRIGGER access_memberships_update;
DROP TRIGGER access_memberships_delete;
DROP TRIGGER access_bans_insert;
DROP TRIGGER access_bans_delete;

ALTER TABLE apps DROP COLUMN access_version;
