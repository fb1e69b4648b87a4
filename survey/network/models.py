"""A network, its organisers, its schools and the programs within them."""
from __future__ import annotations


from flask import current_app, has_app_context
from sqlalchemy import CheckConstraint, Float, ForeignKey, String, UniqueConstraint, select
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db


COUNTRIES = ("DK", "SE", "other")  # which catalogue of school types a network starts from
ORGANISER_KINDS = ("municipality", "region", "independent", "state", "owner", "other")
REPORT_LANGUAGES = ("da", "en", "sv")  # the languages a benchmark report is written in; Danish by default
K_MIN_FLOOR = 3  # the smallest minimum group size a network may have (METHOD.md; the CHECK k_min_at_least_three)
DEFAULT_K_MIN = 5  # K_MIN when neither the app nor the environment sets it
DEFAULT_DRIVER_MIN_CASES = 300
DEFAULT_MINIMAL_DIFFERENCE = 3.0


def configured_k_min() -> int:
    """The minimum group size for a new network: the app's K_MIN setting (from the environment)."""
    return int(current_app.config.get("K_MIN", DEFAULT_K_MIN)) if has_app_context() else DEFAULT_K_MIN


class Network(db.Model):
    __tablename__ = "network"
    __table_args__ = (
        CheckConstraint(f"k_min >= {K_MIN_FLOOR}", name="k_min_at_least_three"),
        CheckConstraint("driver_min_cases >= 10", name="driver_min_cases_sane"),
        CheckConstraint(f"country IN {COUNTRIES!r}", name="known_country"),
        CheckConstraint("minimal_difference > 0", name="minimal_difference_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    k_min: Mapped[int] = mapped_column(default=configured_k_min)  # no server default: each network sets its own
    share_school_names: Mapped[bool] = mapped_column(default=False)
    # complete cases a school needs for its own structural analysis (METHOD.md v2: 300 by default)
    driver_min_cases: Mapped[int] = mapped_column(default=DEFAULT_DRIVER_MIN_CASES,
                                                  server_default=str(DEFAULT_DRIVER_MIN_CASES))
    # the minimal important difference in index points: trend flags and benchmark partners (METHOD.md v2)
    minimal_difference: Mapped[float] = mapped_column(Float, default=DEFAULT_MINIMAL_DIFFERENCE,
                                                      server_default=str(DEFAULT_MINIMAL_DIFFERENCE))
    # whether network admins read the schools' free-text comments (school PDFs, dashboards); off by default
    admins_read_comments: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    # whether network admins read the schools' action plans (survey/plans); off by default: plans are the school's
    admins_read_plans: Mapped[bool] = mapped_column(default=False, server_default=sa_false())

    # the country whose catalogue of school types the network uses (survey/network/school_types.py); "other":
    # the network's own list only
    country: Mapped[str] = mapped_column(String(5), default="DK", server_default="DK")

    schools: Mapped[list[School]] = relationship(back_populates="network", order_by="School.code")
    organisers: Mapped[list[Organiser]] = relationship(back_populates="network", order_by="Organiser.code")
    own_school_types: Mapped[list[NetworkSchoolType]] = relationship(
        back_populates="network", order_by="NetworkSchoolType.code", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Network {self.name!r} k_min={self.k_min}>"


class Organiser(db.Model):
    """A level above schools: a Swedish municipality or independent organiser (huvudman), a Danish owner or
    region. Its results are those of its schools' respondents pooled (survey/analysis/organisers.py)."""

    __tablename__ = "organiser"
    __table_args__ = (
        UniqueConstraint("network_id", "code"),
        CheckConstraint("length(code) > 0", name="code_not_empty"),
        CheckConstraint(f"kind IN {ORGANISER_KINDS!r}", name="known_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="RESTRICT"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default="other", server_default="other")

    network: Mapped[Network] = relationship(back_populates="organisers")
    schools: Mapped[list[School]] = relationship(back_populates="organiser", order_by="School.code")

    def __repr__(self) -> str:
        return f"<Organiser {self.code} {self.name!r} ({self.kind})>"


class NetworkSchoolType(db.Model):
    """A school type of the network's own, beside its country's catalogue (or instead of one: country "other")."""

    __tablename__ = "network_school_type"
    __table_args__ = (
        UniqueConstraint("network_id", "code"),
        CheckConstraint("length(code) > 0", name="code_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))

    network: Mapped[Network] = relationship(back_populates="own_school_types")


class School(db.Model):
    __tablename__ = "school"
    __table_args__ = (
        UniqueConstraint("network_id", "code"),
        # which types a school may have is the network's (survey/network/school_types.py), not the schema's
        CheckConstraint("length(type) > 0", name="type_not_empty"),
        CheckConstraint("length(code) > 0", name="code_not_empty"),
        CheckConstraint(f"report_language IN {REPORT_LANGUAGES!r}", name="known_report_language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="RESTRICT"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(32))
    region: Mapped[str] = mapped_column(String(100))
    report_language: Mapped[str] = mapped_column(String(2), default="da", server_default="da")
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("organiser.id", ondelete="SET NULL"), index=True)

    network: Mapped[Network] = relationship(back_populates="schools")
    organiser: Mapped[Organiser | None] = relationship(back_populates="schools")
    programs: Mapped[list[Program]] = relationship(
        back_populates="school", order_by="Program.code", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<School {self.code} {self.name!r} ({self.type})>"


class Program(db.Model):
    """An education program within a school (e.g. electrician, hhx); responses are broken down by it."""

    __tablename__ = "program"
    __table_args__ = (
        UniqueConstraint("school_id", "code"),
        CheckConstraint("length(code) > 0", name="code_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))

    school: Mapped[School] = relationship(back_populates="programs")

    def __repr__(self) -> str:
        return f"<Program {self.code} {self.name!r}>"


def school_by_code(network_id: int, code: str):
    return select(School).where(School.network_id == network_id, School.code == code)
