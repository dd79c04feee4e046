"""ticketing: versions of the terms of sale written by organisers, per language

One row per published version: its label (its moment of publication, which orders record in
`orders.terms_version`), the French text and the other languages' in `translations`. With no
row, the terms stay the template's text (version 2026-12-07), so nothing changes for an
existing installation.

Revision ID: 0046
Revises: 0045
Create Date: 2026-12-07 20:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0046'
down_revision = '0045'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'terms_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('label', sa.String(length=40), nullable=False),
        sa.Column('published_at', sa.DateTime(), nullable=False),
        sa.Column('published_by_id', sa.Integer(), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('translations', sa.JSON(), server_default='{}', nullable=False),
        sa.ForeignKeyConstraint(['published_by_id'], ['users.id'],
                                name=op.f('fk_terms_versions_published_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_terms_versions')),
        sa.UniqueConstraint('label', name=op.f('uq_terms_versions_label')),
    )
    with op.batch_alter_table('terms_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_terms_versions_published_at'), ['published_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('terms_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_terms_versions_published_at'))
    op.drop_table('terms_versions')
