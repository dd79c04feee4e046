"""content languages: associations' descriptions per language; programme themes as codes

`associations.translations` ({field: {language: text}}): the descriptions already there stay
in their columns as the French version (core/translated.py).

`edition_themes`: an edition's own themes (a code `x-…` and a name per language). A
session's free-text `theme` becomes a code: the registry's theme whose French name it is
(`Eau` → `water`), else a theme of its edition named with the text as it was written
(`Économie solidaire` → `x-economie-solidaire`, named `Économie solidaire`), so that
nothing is lost; downgrading writes each code's French name back. Texts are matched as the
application matches a theme typed in a form (editions.themes.resolve_theme): spaces made one,
case ignored, the registry's code or English name taken too (`eau `, `EAU` and `water` are
all `water`; `Musique` and `musique ` one theme of the edition); characters that cannot be
shown are dropped, and a text left empty is no theme.

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-07 19:00:00.000000

"""
import re
import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0041'
down_revision = '0040'
branch_labels = None
depends_on = None

# The registry's themes (associations.models.Theme) and their French names, as they were
# when this migration was written.
REGISTRY_THEMES = {
    'education': 'Éducation', 'water': 'Eau', 'waste': 'Déchets',
    'energy': 'Énergie et relamping', 'health': 'Santé', 'culture': 'Culture',
    'social_link': 'Lien social et solidarité', 'agriculture': 'Agriculture',
    'environment': 'Environnement', 'economy': 'Économie locale',
}
# Their English names (the interface's msgids), which resolve_theme takes too.
REGISTRY_ENGLISH = {
    'education': 'Education', 'water': 'Water', 'waste': 'Waste',
    'energy': 'Energy and relamping', 'health': 'Health', 'culture': 'Culture',
    'social_link': 'Social link and solidarity', 'agriculture': 'Agriculture',
    'environment': 'Environment', 'economy': 'Local economy',
}
PREFIX = 'x-'
# Control characters and direction overrides (core/translated.py's HIDDEN, with NUL).
HIDDEN = re.compile('[\x00-\x1f\x7f-\x9f\u202d\u202e]')

sessions = sa.table('programme_sessions', sa.column('id', sa.Integer),
                    sa.column('edition_id', sa.Integer), sa.column('theme', sa.String))
themes = sa.table('edition_themes', sa.column('id', sa.Integer),
                  sa.column('edition_id', sa.Integer), sa.column('code', sa.String),
                  sa.column('label', sa.String), sa.column('translations', sa.JSON))


def _code(text: str, taken: set) -> str:
    plain = unicodedata.normalize('NFKD', text).encode('ascii', 'ignore').decode().lower()
    base = PREFIX + (re.sub(r'[^a-z0-9]+', '-', plain).strip('-')[:30] or 'theme')
    code, n = base, 2
    while code in taken:
        code, n = f'{base}-{n}', n + 1
    taken.add(code)
    return code


def upgrade():
    with op.batch_alter_table('associations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('translations', sa.JSON(), nullable=False,
                                      server_default='{}'))
    op.create_table(
        'edition_themes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('edition_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('label', sa.String(length=80), nullable=False),
        sa.Column('translations', sa.JSON(), nullable=False, server_default='{}'),
        sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('edition_id', 'code'))
    with op.batch_alter_table('edition_themes', schema=None) as batch_op:
        batch_op.create_index('ix_edition_themes_edition_id', ['edition_id'], unique=False)

    bind = op.get_bind()
    by_name = {name.casefold(): code for names in (REGISTRY_ENGLISH, REGISTRY_THEMES)
               for code, name in names.items()}
    by_name.update({code: code for code in REGISTRY_THEMES})
    made: dict[tuple[int, str], str] = {}  # (edition, text casefolded) → its theme's code
    taken: dict[int, set] = {}
    rows = bind.execute(sa.select(sessions.c.id, sessions.c.edition_id, sessions.c.theme)
                        .where(sessions.c.theme != '').order_by(sessions.c.id)).all()
    for session_id, edition_id, written in rows:
        text = ' '.join(HIDDEN.sub(' ', written).split())[:80]
        code = by_name.get(text.casefold(), '') if text else ''
        if text and not code:
            code = made.get((edition_id, text.casefold()))
        if code is None:
            code = _code(text, taken.setdefault(edition_id, set()))
            made[(edition_id, text.casefold())] = code
            bind.execute(themes.insert().values(edition_id=edition_id, code=code, label=text,
                                                translations={}))
        bind.execute(sessions.update().where(sessions.c.id == session_id)
                     .values(theme=code))


def downgrade():
    bind = op.get_bind()
    names = {(row.edition_id, row.code): row.label
             for row in bind.execute(sa.select(themes.c.edition_id, themes.c.code,
                                               themes.c.label))}
    rows = bind.execute(sa.select(sessions.c.id, sessions.c.edition_id, sessions.c.theme)
                        .where(sessions.c.theme != '')).all()
    for session_id, edition_id, code in rows:
        text = REGISTRY_THEMES.get(code) or names.get((edition_id, code), code)
        bind.execute(sessions.update().where(sessions.c.id == session_id)
                     .values(theme=text[:80]))
    with op.batch_alter_table('edition_themes', schema=None) as batch_op:
        batch_op.drop_index('ix_edition_themes_edition_id')
    op.drop_table('edition_themes')
    with op.batch_alter_table('associations', schema=None) as batch_op:
        batch_op.drop_column('translations')
