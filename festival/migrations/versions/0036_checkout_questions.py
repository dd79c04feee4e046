"""questions: the questions organisers ask at checkout, and the buyers' answers

`questions`: per edition, asked per order or per ticket, texts per language.
`answers`: one per question and order, or per question and ticket.

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-07 16:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0036'
down_revision = '0035'
branch_labels = None
depends_on = None

_SCOPE = sa.Enum('order', 'ticket', name='question_scope', native_enum=False, length=10)
_KIND = sa.Enum('text', 'choice', 'yes_no', name='question_kind', native_enum=False,
                length=10)


def upgrade():
    op.create_table(
        'questions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('edition_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('scope', _SCOPE, nullable=False),
        sa.Column('kind', _KIND, nullable=False),
        sa.Column('is_required', sa.Boolean(), nullable=False),
        sa.Column('is_sensitive', sa.Boolean(), nullable=False),
        sa.Column('is_active', sa.Boolean(), nullable=False),
        sa.Column('texts', sa.JSON(), nullable=False),
        sa.Column('help_texts', sa.JSON(), nullable=False),
        sa.Column('options', sa.JSON(), nullable=False),
        sa.Column('ticket_type_ids', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['edition_id'], ['editions.id'],
                                name=op.f('fk_questions_edition_id_editions'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_questions')),
    )
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questions_edition_id'), ['edition_id'],
                              unique=False)
    op.create_table(
        'answers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=True),
        sa.Column('value', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['question_id'], ['questions.id'],
                                name=op.f('fk_answers_question_id_questions'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id'],
                                name=op.f('fk_answers_order_id_orders'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'],
                                name=op.f('fk_answers_ticket_id_tickets'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_answers')),
    )
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answers_question_id'), ['question_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_answers_ticket_id'), ['ticket_id'], unique=False)
        batch_op.create_index('ix_answers_order_question', ['order_id', 'question_id'],
                              unique=False)


def downgrade():
    op.drop_table('answers')
    op.drop_table('questions')
