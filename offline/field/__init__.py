"""Field work on a package: who edits (profile), the durable edit journal, photos, sync."""
