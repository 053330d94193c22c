from django.db import models
from django.utils.translation import gettext_lazy as _


class ExchangeKind(models.TextChoices):
    """Kinds of exchange, shared by exchanges and the agreements covering them."""

    TEACHER_EXCHANGE = "teacher", _("teacher exchange")
    STUDENT_EXCHANGE = "student", _("student exchange")
    STUDY_ABROAD = "study_abroad", _("study-abroad programme")
    PERFORMANCE = "performance", _("performance or tour")
    COMPETITION_TRAINING = "competition", _("training for an international competition")
    INTERNSHIP = "internship", _("internship")
    REHABILITATION = "rehabilitation", _("rehabilitation-service cooperation")
    FORUM = "forum", _("forum or conference")
    TRAINING_COURSE = "training", _("training course or workshop")
    DELEGATION = "delegation", _("delegation visit")
    JOINT_PROGRAMME = "joint_programme", _("joint programme")
    OTHER = "other", _("other")
