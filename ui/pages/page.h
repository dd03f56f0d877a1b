// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/uicontext.h"

#include <QIcon>
#include <QWidget>

namespace rd::ui {

// One page of the main window's sidebar. Pages refresh only while shown (setActive), so an idle window costs nothing.
class Page : public QWidget
{
    Q_OBJECT
public:
    using QWidget::QWidget;
    virtual QString title() const = 0;
    virtual void attach(const UiContext &context) = 0; // once, when the engine runs
    virtual void setActive(bool active) { Q_UNUSED(active) }
};

} // namespace rd::ui
