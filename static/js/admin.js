/* The registry's admin, on every admin page (templates/admin/base_site.html).

   1. The navigation sidebar starts closed, so that lists get the width of
      the screen (Django's nav_sidebar.js reads the same setting; a staff
      member who opens it keeps it open).
   2. Names for the controls that Django's admin and its libraries (select2,
      the filter widget, django-import-export, django-otp) leave unnamed, so
      that a screen reader announces each one (axe: tests/browser/
      test_admin_axe.py). Texts come from the page itself or, translated,
      from this script tag's data attributes. */
'use strict';
(function () {
    const SIDEBAR = 'django.admin.navSidebarIsOpen';
    try {
        if (localStorage.getItem(SIDEBAR) === null) {
            localStorage.setItem(SIDEBAR, 'false');
        }
    } catch (error) {
        // No storage (a private window): Django's default applies.
    }

    const texts = document.currentScript ? document.currentScript.dataset : {};
    let hiddenLabels = 0;

    function text(element) {
        return element ? element.textContent.replace(/\s+/g, ' ').replace(/[:：]\s*$/, '').trim() : '';
    }

    function isNamed(control) {
        return control.labels && control.labels.length > 0 ||
            control.hasAttribute('aria-label') || control.hasAttribute('aria-labelledby');
    }

    // The column's header of a control in a table cell (a tabular inline's
    // row, a list's editable column).
    function columnHeader(cell) {
        const table = cell.closest('table');
        const row = cell.parentElement;
        if (!table || !table.tHead || !row) {
            return '';
        }
        const index = Array.prototype.indexOf.call(row.children, cell);
        const headerRow = table.tHead.rows[table.tHead.rows.length - 1];
        return headerRow && headerRow.cells[index] ? text(headerRow.cells[index]) : '';
    }

    // The name of a form field: its label, its fieldset's legend, or its
    // column's header.
    function fieldName(control) {
        if (control.labels && control.labels.length) {
            return text(control.labels[0]);
        }
        if (control.getAttribute('aria-label')) {
            return control.getAttribute('aria-label');
        }
        const cell = control.closest('td');
        if (cell) {
            return columnHeader(cell);
        }
        const row = control.closest('.form-row, .fieldBox');
        if (row) {
            return text(row.querySelector('legend, label'));
        }
        return '';
    }

    function nameSelect2(select) {
        const container = select.nextElementSibling;
        if (!container || !container.classList.contains('select2')) {
            return;
        }
        const name = fieldName(select);
        if (!name) {
            return;
        }
        const selection = container.querySelector('.select2-selection');
        if (selection && !selection.dataset.named) {
            // Its name, then the choice shown (select2 names it by the
            // choice only, which is empty before one is made).
            let labelId = select.labels && select.labels[0] && select.labels[0].id;
            if (!labelId) {
                const hidden = document.createElement('span');
                hidden.className = 'visually-hidden';
                hidden.id = labelId = 'registry-label-' + (++hiddenLabels);
                hidden.textContent = name;
                container.appendChild(hidden);
            }
            const shown = selection.getAttribute('aria-labelledby');
            selection.setAttribute('aria-labelledby', shown ? labelId + ' ' + shown : labelId);
            selection.dataset.named = 'true';
            // The box showing the choice, as empty as the choice at first.
            const rendered = selection.querySelector('.select2-selection__rendered[role=textbox]');
            if (rendered && rendered.id) {
                rendered.setAttribute('aria-labelledby', labelId + ' ' + rendered.id);
            }
        }
        container.querySelectorAll('.select2-search__field').forEach(function (field) {
            field.setAttribute('aria-label', name);
        });
        // The "clear all" cross sits in the list of choices; the keyboard
        // clears with Backspace.
        container.querySelectorAll('.select2-selection__clear').forEach(function (cross) {
            cross.setAttribute('aria-hidden', 'true');
        });
    }

    function nameControls(root) {
        root.querySelectorAll('label[for]').forEach(function (label) {
            if (!label.id) {
                label.id = label.htmlFor + '-label';
            }
        });
        root.querySelectorAll('select.admin-autocomplete').forEach(nameSelect2);
        // Unnamed inputs and selects in table cells take their column's name.
        root.querySelectorAll('td input:not([type=hidden]), td select, td textarea').forEach(function (control) {
            if (!isNamed(control)) {
                const name = columnHeader(control.closest('td'));
                if (name) {
                    control.setAttribute('aria-label', name);
                }
            }
        });
        // A date and time field's two boxes: "Last login: Date", "... Time".
        root.querySelectorAll('p.datetime input').forEach(function (input) {
            if (!isNamed(input)) {
                const field = text(input.closest('.form-row, .fieldBox').querySelector('legend, label'));
                let before = input.previousSibling;
                while (before && before.nodeType !== Node.TEXT_NODE) {
                    before = before.previousSibling;
                }
                const part = before ? before.textContent.replace(/[:：]\s*$/, '').trim() : '';
                input.setAttribute('aria-label', part ? field + ' – ' + part : field);
            }
        });
        // The filter widget's search icons carry a name but no role.
        root.querySelectorAll('span.help-tooltip[aria-label]').forEach(function (icon) {
            icon.setAttribute('role', 'img');
        });
        // A tabular inline's first column (each row's record) has no header.
        root.querySelectorAll('th.original:empty').forEach(function (header) {
            const name = document.createElement('span');
            name.className = 'visually-hidden';
            name.textContent = texts.record || 'Record';
            header.appendChild(name);
        });
        // The calendar and clock pop-ups are dialogs, named by their heading.
        root.querySelectorAll('.calendarbox:not([role]), .clockbox:not([role])').forEach(function (box) {
            box.setAttribute('role', 'dialog');
            const heading = box.querySelector('h2, caption');
            if (heading) {
                heading.id = heading.id || box.id + '-heading';
                box.setAttribute('aria-labelledby', heading.id);
            }
        });
        // The export page's "Select all" label points at an input without id.
        root.querySelectorAll('input.select-toggle:not([id])').forEach(function (toggle) {
            if (!document.getElementById(toggle.name)) {
                toggle.id = toggle.name;
            }
        });
        // The list's search box: labelled by an image only.
        const search = root.querySelector ? root.querySelector('#searchbar') : null;
        if (search && !search.hasAttribute('aria-label')) {
            const button = search.form && search.form.querySelector('input[type=submit]');
            if (button) {
                search.setAttribute('aria-label', button.value);
                const icon = search.form.querySelector('label[for=searchbar] img');
                if (icon) {
                    icon.alt = button.value;
                }
            }
        }
    }

    document.addEventListener('DOMContentLoaded', function () {
        nameControls(document);
        // select2, the filter widget and new inline rows come later.
        new MutationObserver(function () {
            nameControls(document);
        }).observe(document.body, {childList: true, subtree: true});
    });
}());
