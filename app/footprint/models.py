"""Travel footprint tables: versioned emission factor sets, each event's choices, one
trip figure per counted registration, and running totals kept up to date on write."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, Float, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.utils.db import UTCDateTime
from app.utils.time import utcnow


class FactorSet(db.Model):
    """One published set of conversion factors (e.g. DESNZ 2026), as loaded from its data file."""

    __tablename__ = "footprint_factor_sets"
    __table_args__ = (UniqueConstraint("year", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    source: Mapped[str] = mapped_column(String(300))
    document: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(300), default="")
    unit: Mapped[str] = mapped_column(String(40), default="kg CO2e")
    # The method's numbers that are not factors: distance uplift, band edges, uncertainty,
    # the hotel default and the notes that explain them.
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    factors = relationship("Factor", back_populates="factor_set", order_by="Factor.id")

    @property
    def label(self) -> str:
        return f"DESNZ {self.year}" + (f" v{self.version}" if self.version > 1 else "")

    @property
    def verified(self) -> bool:
        """Read from the published table (not typed in, and not checked against it)."""
        return (self.params or {}).get("verified") is True


class Factor(db.Model):
    """One conversion factor: kg CO2e per unit (passenger.km, vehicle.km or room.night)."""

    __tablename__ = "footprint_factors"
    __table_args__ = (UniqueConstraint("set_id", "mode", "band", "cabin", "country"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("footprint_factor_sets.id", ondelete="CASCADE"), index=True)
    mode: Mapped[str] = mapped_column(String(12))
    band: Mapped[str] = mapped_column(String(12), default="")
    cabin: Mapped[str] = mapped_column(String(12), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    value: Mapped[float] = mapped_column(Float)
    # With the radiative-forcing uplift (air only).
    value_rf: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(20))

    factor_set = relationship("FactorSet", back_populates="factors")


class FootprintSettings(db.Model):
    """An event's choices: which factor set, with or without radiative forcing, where
    the trips end, and an optional contribution per tonne to show what compensation costs."""

    __tablename__ = "footprint_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    factor_set_id: Mapped[int | None] = mapped_column(ForeignKey("footprint_factor_sets.id", ondelete="SET NULL"))
    radiative_forcing: Mapped[bool] = mapped_column(Boolean, default=True)
    # A city or IATA code; empty: the event's city.
    destination: Mapped[str] = mapped_column(String(120), default="")
    contribution_per_tonne: Mapped[float | None] = mapped_column(Numeric(10, 2))
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    # Set when a change must be followed by computing every trip again and the event is
    # too large to do it while the organiser waits: the job workers' periodic task
    # (services.recompute_waiting) computes it and clears this.
    recompute_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    factor_set = relationship("FactorSet")


class Trip(db.Model):
    """The figure of one counted (approved) registration's trip, in grams of CO2e."""

    __tablename__ = "footprint_trips"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), unique=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    delegation_id: Mapped[int | None] = mapped_column(Integer)
    category_id: Mapped[int | None] = mapped_column(Integer)
    country: Mapped[str] = mapped_column(String(2), default="")
    main_mode: Mapped[str] = mapped_column(String(12), default="")
    declared: Mapped[bool] = mapped_column(Boolean, default=False)
    origin: Mapped[str] = mapped_column(String(200), default="")
    # What the figure was computed from, so that a new factor year needs no new distances:
    # [{"mode", "band", "cabin", "km", "from", "to"}] one way, then `return_trip` doubles it.
    legs: Mapped[list] = mapped_column(JSON, default=list)
    return_trip: Mapped[bool] = mapped_column(Boolean, default=True)
    nights: Mapped[int] = mapped_column(Integer, default=0)
    hotel_country: Mapped[str] = mapped_column(String(2), default="")
    distance_km: Mapped[int] = mapped_column(Integer, default=0)
    air_g: Mapped[int] = mapped_column(BigInteger, default=0)
    rail_g: Mapped[int] = mapped_column(BigInteger, default=0)
    bus_g: Mapped[int] = mapped_column(BigInteger, default=0)
    car_g: Mapped[int] = mapped_column(BigInteger, default=0)
    hotel_g: Mapped[int] = mapped_column(BigInteger, default=0)
    total_g: Mapped[int] = mapped_column(BigInteger, default=0)
    low_g: Mapped[int] = mapped_column(BigInteger, default=0)
    high_g: Mapped[int] = mapped_column(BigInteger, default=0)
    radiative_forcing: Mapped[bool] = mapped_column(Boolean, default=True)
    set_id: Mapped[int | None] = mapped_column(Integer)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Total(db.Model):
    """A running total of trips for one group (the event, a delegation, a category, a
    country or a mode), changed by each trip's write so that the report reads a few rows."""

    __tablename__ = "footprint_totals"
    __table_args__ = (UniqueConstraint("event_id", "dimension", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    dimension: Mapped[str] = mapped_column(String(12))
    key: Mapped[str] = mapped_column(String(40), default="")
    trips: Mapped[int] = mapped_column(Integer, default=0)
    declared: Mapped[int] = mapped_column(Integer, default=0)
    total_g: Mapped[int] = mapped_column(BigInteger, default=0)
    low_g: Mapped[int] = mapped_column(BigInteger, default=0)
    high_g: Mapped[int] = mapped_column(BigInteger, default=0)
