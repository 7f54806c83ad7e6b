-- The pending approvals of a tenant, which an approver's inbox reads
-- (approval.Store.Pending) before it looks at the steps' assignees.
CREATE INDEX approvals_pending ON approvals (tenant, id) WHERE status = 'pending';
