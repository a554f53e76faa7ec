package storage

// Migration 90: enterprise claims (SPEC §2, issue 10). Released: never
// edit, append a new file.
//
// The first registrant of a credit code is a claimant until a clerk
// approves a claim: enterprise_claims holds each claim and its decision,
// claim_documents the uploaded 营业执照 / 授权委托书 / 法定代表人身份证 (the
// files are encrypted like attachments; these rows are their only owner,
// so no case route can reach them). A document with claim_id 0 is
// uploaded but not yet part of a submitted claim.

func init() {
	register(migration{90, "enterprise claims", []string{
		`CREATE TABLE enterprise_claims (
			id {pk},
			enterprise_id BIGINT NOT NULL,
			member_id BIGINT NOT NULL,
			status VARCHAR(16) NOT NULL,
			basis VARCHAR(16) NOT NULL,
			note VARCHAR(500) NOT NULL DEFAULT '',
			reviewer_id BIGINT NOT NULL DEFAULT 0,
			reviewer_name VARCHAR(100) NOT NULL DEFAULT '',
			reviewed_at {ts} NULL,
			created_at {ts} NOT NULL,
			updated_at {ts} NOT NULL){opts}`,
		`CREATE INDEX ix_enterprise_claims_status ON enterprise_claims (status, id)`,
		`CREATE INDEX ix_enterprise_claims_member ON enterprise_claims (member_id, id)`,
		`CREATE TABLE claim_documents (
			id {pk},
			claim_id BIGINT NOT NULL DEFAULT 0,
			member_id BIGINT NOT NULL,
			enterprise_id BIGINT NOT NULL,
			kind VARCHAR(24) NOT NULL,
			name VARCHAR(255) NOT NULL,
			stored_name VARCHAR(64) NOT NULL,
			content_type VARCHAR(100) NOT NULL,
			size BIGINT NOT NULL,
			sha256 VARCHAR(64) NOT NULL,
			created_at {ts} NOT NULL){opts}`,
		`CREATE INDEX ix_claim_documents_member ON claim_documents (member_id, claim_id)`,
		`CREATE INDEX ix_claim_documents_claim ON claim_documents (claim_id)`,
	}})
}
